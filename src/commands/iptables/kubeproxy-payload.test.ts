import { describe, expect, it } from 'vitest';
import { kubeProxyPayload, makeServices, portProtoHash } from '../../../bench/kubeproxy-payload.js';

describe('kube-proxy payload', () => {
  it('names chains as kube-proxy does (well-known chains of every cluster)', () => {
    expect('KUBE-SVC-' + portProtoHash('kube-system/kube-dns:dns-tcp' + 'tcp')).toBe('KUBE-SVC-ERIFXISQEP7F7OF4');
    expect('KUBE-SVC-' + portProtoHash('kube-system/kube-dns:dns' + 'udp')).toBe('KUBE-SVC-TCOU7JCQXEZGVUNU');
    expect('KUBE-SVC-' + portProtoHash('default/kubernetes:https' + 'tcp')).toBe('KUBE-SVC-NPX46M4PTMTKRN6Y');
  });

  it('has 1 + (1 + E) + 2E rules per service plus the fixed ones', () => {
    const text = kubeProxyPayload(makeServices(4, 3));
    expect(text.split('\n').filter((l) => l.startsWith('-A ')).length).toBe(4 + 4 * (1 + 3 + 6) + 4 + 1 + 4);
    expect(text).toContain('-m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-');
  });
});
