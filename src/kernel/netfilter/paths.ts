/**
 * "All paths": where Linux draws at random (`-m statistic --mode random`, kube-proxy's endpoint
 * choice), enumerate every outcome of a walk with its probability instead of drawing one, so
 * analysis can show each endpoint a Service may pick and how likely it is.
 */

export interface Branch<T> {
  probability: number;
  result: T;
  /** The statistic decisions taken, in order: true = the random match matched. */
  choices: boolean[];
}

/**
 * Runs `walk` once per distinct sequence of random decisions (depth-first), each time with a
 * `chance` that follows the sequence under exploration. `walk` must be free of side effects
 * (pass dryRun) and decide only through `chance`. At most maxPaths branches are returned.
 */
export function enumeratePaths<T>(walk: (chance: (p: number) => boolean) => T, maxPaths = 4096): Branch<T>[] {
  const out: Branch<T>[] = [];
  const pending: boolean[][] = [[]];
  while (pending.length > 0 && out.length < maxPaths) {
    const prefix = pending.pop()!;
    const choices: boolean[] = [];
    let probability = 1;
    const chance = (p: number): boolean => {
      const i = choices.length;
      let take: boolean;
      if (i < prefix.length) take = prefix[i]!;
      else {
        // First visit of this decision: explore "matched" now, queue "not matched" for later.
        take = true;
        if (p < 1) pending.push([...choices, false]);
      }
      choices.push(take);
      probability *= take ? p : 1 - p;
      return take;
    };
    const result = walk(chance);
    if (probability > 0) out.push({ probability, result, choices });
  }
  return out;
}
