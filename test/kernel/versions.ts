/**
 * Texts known to differ between kernel versions, so a disagreement report can say when podnet may be
 * following another kernel than the oracle's (newer kernels return extack messages where 6.1 returned
 * a bare errno). A hint never turns a disagreement into agreement: which kernel is the reference is a
 * project decision.
 */

interface Known {
  /** Matches the oracle's text for the command. */
  oracle: RegExp;
  /** Matches podnet's text for the same command. */
  podnet: RegExp;
  note: string;
}

const KNOWN: Known[] = [
  {
    oracle: /^Error: ipv4: Address already assigned\.$/m,
    podnet: /^RTNETLINK answers: File exists$/m,
    note: 'newer kernels answer a duplicate IPv4 address with this extack message; 6.1 answered EEXIST',
  },
  {
    oracle: /^Error: ipv4: Address not found\.$/m,
    podnet: /^RTNETLINK answers: Cannot assign requested address$/m,
    note: 'newer kernels answer deleting a missing IPv4 address with this extack message; 6.1 answered EADDRNOTAVAIL',
  },
  {
    oracle: /^local \S+ dev \S+ (?!table )/m,
    podnet: /^local \S+ dev \S+ table local /m,
    note: 'whether `ip route get` names the local table for a local address may depend on the kernel version',
  },
  {
    oracle: /^$/,
    podnet: /^RTNETLINK answers: Device or resource busy$/m,
    note: 'renaming a link that is up: refused (EBUSY) by older kernels such as 6.1, allowed by newer ones',
  },
];

/** A one-line hint when the two texts look like the same answer from different kernel versions. */
export function versionHint(oracle: string, podnet: string): string | undefined {
  return KNOWN.find((k) => k.oracle.test(oracle) && k.podnet.test(podnet))?.note;
}
