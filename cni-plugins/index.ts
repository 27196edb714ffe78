/**
 * podnet's CNI plugins, each a separate program under cni-plugins/<type>/ built on src/cni/skel.ts.
 * Importing this module registers them all, so a host's /opt/cni/bin can be populated with them.
 */
import { registerCniPlugin } from '../src/cni/registry.js';
import { loopbackMain } from './loopback/main.js';
import { hostLocalMain } from './host-local/main.js';
import { bridgePlugin } from './bridge/main.js';
import { ptpPlugin } from './ptp/main.js';
import { portmapMain } from './portmap/main.js';

/** One line per plugin: its type name and its main. */
const PLUGINS: [string, Parameters<typeof registerCniPlugin>[1]][] = [
  ['loopback', loopbackMain],
  ['host-local', hostLocalMain],
  ['bridge', bridgePlugin],
  ['ptp', ptpPlugin],
  ['portmap', portmapMain],
];

for (const [type, main] of PLUGINS) registerCniPlugin(type, main);
