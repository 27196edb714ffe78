/**
 * What every emulated host has installed beyond the command registry's own programs: podnet's CNI
 * plugins in /opt/cni/bin, the resolver that runs them by path, and cnitool. Every entry point that
 * builds or replays a world imports this module, so a world file written by one podnet process
 * replays the same way in another (the shims' process included).
 */
import '../../cni-plugins/index.js';
