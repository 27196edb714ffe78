/**
 * podnet's bridge CNI plugin: what containernetworking/plugins v1.1.1 plugins/main/bridge does —
 * a Linux bridge on the host, a veth pair per container with one end on the bridge, IPAM through a
 * delegated plugin, optional gateway address, default route and masquerading.
 */
import { pluginMain } from '../../src/cni/skel.js';
import { REFERENCE_PLUGIN_VERSIONS } from '../../src/cni/version.js';
import { bridgeAdd } from './add.js';
import { bridgeCheck } from './check.js';
import { bridgeDel } from './del.js';

export const bridgePlugin = pluginMain(
  { add: bridgeAdd, check: bridgeCheck, del: bridgeDel },
  // buildversion.BuildString("bridge") of a build without version ldflags, as Debian's is.
  { about: 'CNI bridge plugin version unknown', supportedVersions: REFERENCE_PLUGIN_VERSIONS },
);
