/** The ptp plugin's configuration (ptp.go NetConf, plugins v1.1.1): ipMasq and mtu on top of types.NetConf. */
import type { NetConf } from '../../src/cni/spec.js';
import { BASE_NETCONF_FIELDS, checkFieldTypes, goField } from '../lib/netconf-fields.js';

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
  const typeErr = checkFieldTypes(raw, { ...BASE_NETCONF_FIELDS, ipMasq: 'bool', mtu: 'int' });
  if (typeErr) return { ok: false, message: `failed to load netconf: ${typeErr}` };
  const ipamType = goField(goField(raw, 'ipam'), 'type');
  const mtu = goField(raw, 'mtu');
  return {
    ok: true,
    conf: {
      name: conf.name,
      cniVersion: conf.cniVersion ?? '',
      ipamType: typeof ipamType === 'string' ? ipamType : '',
      ipMasq: goField(raw, 'ipMasq') === true,
      mtu: typeof mtu === 'number' ? mtu : 0,
      dns: goField(raw, 'dns'),
    },
  };
}
