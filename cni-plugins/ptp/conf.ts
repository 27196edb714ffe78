/** The ptp plugin's configuration (ptp.go NetConf, plugins v1.1.1): ipMasq and mtu on top of types.NetConf. */
import type { NetConf } from '../../src/cni/spec.js';
import { checkFieldTypes } from '../lib/netconf-fields.js';

export interface PtpConf {
  name: string;
  cniVersion: string;
  ipamType: string;
  ipMasq: boolean;
  mtu: number;
  /** The configuration's "dns" as given (ptp only uses it when any field is set). */
  dns: unknown;
}

export function loadPtpConf(conf: NetConf): { ok: true; conf: PtpConf } | { ok: false; message: string } {
  const raw = conf as unknown as Record<string, unknown>;
  const typeErr = checkFieldTypes(raw, { ipMasq: 'bool', mtu: 'int' });
  if (typeErr) return { ok: false, message: `failed to load netconf: ${typeErr}` };
  const ipam = conf.ipam as unknown;
  return {
    ok: true,
    conf: {
      name: conf.name,
      cniVersion: conf.cniVersion ?? '',
      ipamType: typeof ipam === 'object' && ipam !== null && typeof (ipam as Record<string, unknown>)['type'] === 'string' ? ((ipam as Record<string, unknown>)['type'] as string) : '',
      ipMasq: raw['ipMasq'] === true,
      mtu: typeof raw['mtu'] === 'number' ? raw['mtu'] : 0,
      dns: raw['dns'],
    },
  };
}
