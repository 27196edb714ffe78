/**
 * podnet's ptp CNI plugin: what containernetworking/plugins v1.1.1 plugins/main/ptp does — a veth
 * pair per container used as a point-to-point link: the container reaches everything through the
 * gateway address, which sits (as a /32) on the host end, and the host routes the container's /32.
 */
import { pluginMain } from '../../src/cni/skel.js';
import { REFERENCE_PLUGIN_VERSIONS } from '../../src/cni/version.js';
import { ptpAdd } from './add.js';
import { ptpCheck } from './check.js';
import { ptpDel } from './del.js';

export const ptpPlugin = pluginMain(
  { add: ptpAdd, check: ptpCheck, del: ptpDel },
  { about: 'CNI ptp plugin version unknown', supportedVersions: REFERENCE_PLUGIN_VERSIONS },
);
