/**
 * What github.com/coreos/go-iptables (v0.6, vendored by the reference plugins v1.1.1) does: it runs
 * the iptables program, never touching xtables itself. Once per handle it asks `iptables --version`
 * (to learn that --wait is supported), then appends `--wait` to every call. Recorded from the real
 * bridge plugin with an argv-logging iptables wrapper first on PATH:
 *   iptables --version
 *   iptables -t nat -S --wait                       (ListChains)
 *   iptables -t nat -N CHAIN --wait                 (NewChain)
 *   iptables -t nat -C CHAIN RULE... --wait         (AppendUnique: Exists, then -A if absent)
 *   iptables -t nat -D CHAIN RULE... --wait         (Delete)
 *   iptables -t nat -N CHAIN --wait; -F; -X         (ClearChain: -N, and -F when it exists; DeleteChain)
 */
import type { ExecContext } from '../../src/commands/types.js';

/** go-iptables' *Error: the failed command, its exit status and its stderr. */
export interface IptablesError {
  args: string[];
  exitStatus: number;
  msg: string;
}

export type IptResult<T> = { ok: true; value: T } | { ok: false; error: IptablesError };

/** The text Error() gives: `running [ARGV]: exit status N: STDERR`. */
export function iptablesErrorText(e: IptablesError): string {
  return `running [${e.args.join(' ')}]: exit status ${e.exitStatus}: ${e.msg}`;
}

/** Error.IsNotExist(): exit status 1 with iptables' "no such rule" or "no such chain" message. */
export function isNotExist(e: IptablesError): boolean {
  return e.exitStatus === 1 && (e.msg.includes('Bad rule (does a matching rule exist in that chain?).\n') || e.msg.includes('No chain/target/match by that name.\n'));
}

/** A handle as iptables.NewWithProtocol(ProtocolIPv4) makes one; creating it runs `iptables --version`. */
export class GoIptables {
  /** The path go-iptables found with exec.LookPath, as it appears in its error texts. */
  private readonly path = '/usr/sbin/iptables';

  private constructor(private readonly ctx: ExecContext) {}

  static create(ctx: ExecContext): IptResult<GoIptables> {
    const ipt = new GoIptables(ctx);
    const r = ipt.exec(['--version']);
    if (r.exitCode !== 0) return { ok: false, error: { args: [ipt.path, '--version'], exitStatus: r.exitCode, msg: r.stderr } };
    return { ok: true, value: ipt };
  }

  private exec(args: string[]): { exitCode: number; stdout: string; stderr: string } {
    // The plugin's own process runs iptables in the namespace it is in (the host's root).
    return this.ctx.exec(['iptables', ...args], { ...this.ctx, stdin: '', background: false });
  }

  /** ipt.run(args...): the command with --wait appended. */
  run(...args: string[]): IptResult<string> {
    const full = [...args, '--wait'];
    const r = this.exec(full);
    if (r.exitCode !== 0) return { ok: false, error: { args: [this.path, ...full], exitStatus: r.exitCode, msg: r.stderr } };
    return { ok: true, value: r.stdout };
  }

  /** ListChains: the names after -P and -N in `-t TABLE -S`, in that order. */
  listChains(table: string): IptResult<string[]> {
    const r = this.run('-t', table, '-S');
    if (!r.ok) return r;
    const chains = r.value
      .split('\n')
      .filter((l) => l.startsWith('-P ') || l.startsWith('-N '))
      .map((l) => l.split(' ')[1]!);
    return { ok: true, value: chains };
  }

  newChain(table: string, chain: string): IptResult<void> {
    const r = this.run('-t', table, '-N', chain);
    return r.ok ? { ok: true, value: undefined } : r;
  }

  /** Exists: -C; exit status 1 means "no", anything else non-zero is an error. */
  exists(table: string, chain: string, rulespec: string[]): IptResult<boolean> {
    const r = this.run('-t', table, '-C', chain, ...rulespec);
    if (r.ok) return { ok: true, value: true };
    if (r.error.exitStatus === 1) return { ok: true, value: false };
    return r;
  }

  /** AppendUnique: -A only when -C says the rule is not there. */
  appendUnique(table: string, chain: string, rulespec: string[]): IptResult<void> {
    const e = this.exists(table, chain, rulespec);
    if (!e.ok) return e;
    if (e.value) return { ok: true, value: undefined };
    const r = this.run('-t', table, '-A', chain, ...rulespec);
    return r.ok ? { ok: true, value: undefined } : r;
  }

  delete(table: string, chain: string, rulespec: string[]): IptResult<void> {
    const r = this.run('-t', table, '-D', chain, ...rulespec);
    return r.ok ? { ok: true, value: undefined } : r;
  }

  /** ClearChain: create it, or flush it when -N fails with exit status 1 (it exists). */
  clearChain(table: string, chain: string): IptResult<void> {
    const n = this.newChain(table, chain);
    if (n.ok) return n;
    if (n.error.exitStatus !== 1) return n;
    const r = this.run('-t', table, '-F', chain);
    return r.ok ? { ok: true, value: undefined } : r;
  }

  deleteChain(table: string, chain: string): IptResult<void> {
    const r = this.run('-t', table, '-X', chain);
    return r.ok ? { ok: true, value: undefined } : r;
  }
}
