/** Help texts iproute2 6.1.0 prints on stderr, kept verbatim because scripts and users diff them. */

export const BRIDGE_SLAVE_USAGE =
  'Usage: ... bridge_slave [ fdb_flush ]\n' +
  '\t\t\t[ state STATE ]\n' +
  '\t\t\t[ priority PRIO ]\n' +
  '\t\t\t[ cost COST ]\n' +
  '\t\t\t[ guard {on | off} ]\n' +
  '\t\t\t[ hairpin {on | off} ]\n' +
  '\t\t\t[ fastleave {on | off} ]\n' +
  '\t\t\t[ root_block {on | off} ]\n' +
  '\t\t\t[ learning {on | off} ]\n' +
  '\t\t\t[ flood {on | off} ]\n' +
  '\t\t\t[ proxy_arp {on | off} ]\n' +
  '\t\t\t[ proxy_arp_wifi {on | off} ]\n' +
  '\t\t\t[ mcast_router MULTICAST_ROUTER ]\n' +
  '\t\t\t[ mcast_fast_leave {on | off} ]\n' +
  '\t\t\t[ mcast_flood {on | off} ]\n' +
  '\t\t\t[ bcast_flood {on | off} ]\n' +
  '\t\t\t[ mcast_to_unicast {on | off} ]\n' +
  '\t\t\t[ group_fwd_mask MASK ]\n' +
  '\t\t\t[ neigh_suppress {on | off} ]\n' +
  '\t\t\t[ vlan_tunnel {on | off} ]\n' +
  '\t\t\t[ isolated {on | off} ]\n' +
  '\t\t\t[ locked {on | off} ]\n' +
  '\t\t\t[ backup_port DEVICE ] [ nobackup_port ]\n';

const BRIDGE_OPTS = [
  '[ forward_delay FORWARD_DELAY ]',
  '[ hello_time HELLO_TIME ]',
  '[ max_age MAX_AGE ]',
  '[ ageing_time AGEING_TIME ]',
  '[ stp_state STP_STATE ]',
  '[ priority PRIORITY ]',
  '[ group_fwd_mask MASK ]',
  '[ group_address ADDRESS ]',
  '[ no_linklocal_learn NO_LINKLOCAL_LEARN ]',
  '[ vlan_filtering VLAN_FILTERING ]',
  '[ vlan_protocol VLAN_PROTOCOL ]',
  '[ vlan_default_pvid VLAN_DEFAULT_PVID ]',
  '[ vlan_stats_enabled VLAN_STATS_ENABLED ]',
  '[ vlan_stats_per_port VLAN_STATS_PER_PORT ]',
  '[ mcast_snooping MULTICAST_SNOOPING ]',
  '[ mcast_vlan_snooping MULTICAST_VLAN_SNOOPING ]',
  '[ mcast_router MULTICAST_ROUTER ]',
  '[ mcast_query_use_ifaddr MCAST_QUERY_USE_IFADDR ]',
  '[ mcast_querier MULTICAST_QUERIER ]',
  '[ mcast_hash_elasticity HASH_ELASTICITY ]',
  '[ mcast_hash_max HASH_MAX ]',
  '[ mcast_last_member_count LAST_MEMBER_COUNT ]',
  '[ mcast_startup_query_count STARTUP_QUERY_COUNT ]',
  '[ mcast_last_member_interval LAST_MEMBER_INTERVAL ]',
  '[ mcast_membership_interval MEMBERSHIP_INTERVAL ]',
  '[ mcast_querier_interval QUERIER_INTERVAL ]',
  '[ mcast_query_interval QUERY_INTERVAL ]',
  '[ mcast_query_response_interval QUERY_RESPONSE_INTERVAL ]',
  '[ mcast_startup_query_interval STARTUP_QUERY_INTERVAL ]',
  '[ mcast_stats_enabled MCAST_STATS_ENABLED ]',
  '[ mcast_igmp_version IGMP_VERSION ]',
  '[ mcast_mld_version MLD_VERSION ]',
  '[ nf_call_iptables NF_CALL_IPTABLES ]',
  '[ nf_call_ip6tables NF_CALL_IP6TABLES ]',
  '[ nf_call_arptables NF_CALL_ARPTABLES ]',
];

export const BRIDGE_USAGE =
  'Usage: ... bridge [ fdb_flush ]\n' + BRIDGE_OPTS.map((l) => `\t\t  ${l}\n`).join('') + '\nWhere: VLAN_PROTOCOL := { 802.1Q | 802.1ad }\n';

export const ROUTE_USAGE =
  "Usage: ip route { list | flush } SELECTOR\n       ip route save SELECTOR\n       ip route restore\n       ip route showdump\n       ip route get [ ROUTE_GET_FLAGS ] ADDRESS\n                            [ from ADDRESS iif STRING ]\n                            [ oif STRING ] [ tos TOS ]\n                            [ mark NUMBER ] [ vrf NAME ]\n                            [ uid NUMBER ] [ ipproto PROTOCOL ]\n                            [ sport NUMBER ] [ dport NUMBER ]\n       ip route { add | del | change | append | replace } ROUTE\nSELECTOR := [ root PREFIX ] [ match PREFIX ] [ exact PREFIX ]\n            [ table TABLE_ID ] [ vrf NAME ] [ proto RTPROTO ]\n            [ type TYPE ] [ scope SCOPE ]\nROUTE := NODE_SPEC [ INFO_SPEC ]\nNODE_SPEC := [ TYPE ] PREFIX [ tos TOS ]\n             [ table TABLE_ID ] [ proto RTPROTO ]\n             [ scope SCOPE ] [ metric METRIC ]\n             [ ttl-propagate { enabled | disabled } ]\nINFO_SPEC := { NH | nhid ID } OPTIONS FLAGS [ nexthop NH ]...\nNH := [ encap ENCAPTYPE ENCAPHDR ] [ via [ FAMILY ] ADDRESS ]\n      [ dev STRING ] [ weight NUMBER ] NHFLAGS\nFAMILY := [ inet | inet6 | mpls | bridge | link ]\nOPTIONS := FLAGS [ mtu NUMBER ] [ advmss NUMBER ] [ as [ to ] ADDRESS ]\n           [ rtt TIME ] [ rttvar TIME ] [ reordering NUMBER ]\n           [ window NUMBER ] [ cwnd NUMBER ] [ initcwnd NUMBER ]\n           [ ssthresh NUMBER ] [ realms REALM ] [ src ADDRESS ]\n           [ rto_min TIME ] [ hoplimit NUMBER ] [ initrwnd NUMBER ]\n           [ features FEATURES ] [ quickack BOOL ] [ congctl NAME ]\n           [ pref PREF ] [ expires TIME ] [ fastopen_no_cookie BOOL ]\nTYPE := { unicast | local | broadcast | multicast | throw |\n          unreachable | prohibit | blackhole | nat }\nTABLE_ID := [ local | main | default | all | NUMBER ]\nSCOPE := [ host | link | global | NUMBER ]\nNHFLAGS := [ onlink | pervasive ]\nRTPROTO := [ kernel | boot | static | NUMBER ]\nPREF := [ low | medium | high ]\nTIME := NUMBER[s|ms]\nBOOL := [1|0]\nFEATURES := ecn\nENCAPTYPE := [ mpls | ip | ip6 | seg6 | seg6local | rpl | ioam6 | xfrm ]\nENCAPHDR := [ MPLSLABEL | SEG6HDR | SEG6LOCAL | IOAM6HDR | XFRMINFO ]\nSEG6HDR := [ mode SEGMODE ] segs ADDR1,ADDRi,ADDRn [hmac HMACKEYID] [cleanup]\nSEGMODE := [ encap | encap.red | inline | l2encap | l2encap.red ]\nSEG6LOCAL := action ACTION [ OPTIONS ] [ count ]\nACTION := { End | End.X | End.T | End.DX2 | End.DX6 | End.DX4 |\n            End.DT6 | End.DT4 | End.DT46 | End.B6 | End.B6.Encaps |\n            End.BM | End.S | End.AS | End.AM | End.BPF }\nOPTIONS := OPTION [ OPTIONS ]\nOPTION := { flavors FLAVORS | srh SEG6HDR | nh4 ADDR | nh6 ADDR | iif DEV | oif DEV |\n            table TABLEID | vrftable TABLEID | endpoint PROGNAME }\nFLAVORS := { FLAVOR[,FLAVOR] }\nFLAVOR := { psp | usp | usd | next-csid }\nIOAM6HDR := trace prealloc type IOAM6_TRACE_TYPE ns IOAM6_NAMESPACE size IOAM6_TRACE_SIZE\nXFRMINFO := if_id IF_ID [ link_dev LINK ]\nROUTE_GET_FLAGS := [ fibmatch ]\n";

export const NEIGH_USAGE =
  "Usage: ip neigh { add | del | change | replace }\n                { ADDR [ lladdr LLADDR ] [ nud STATE ] proxy ADDR }\n                [ dev DEV ] [ router ] [ use ] [ managed ] [ extern_learn ]\n                [ protocol PROTO ]\n\n\tip neigh { show | flush } [ proxy ] [ to PREFIX ] [ dev DEV ] [ nud STATE ]\n\t\t\t\t  [ vrf NAME ] [ nomaster ]\n\tip neigh get { ADDR | proxy ADDR } dev DEV\n\nSTATE := { delay | failed | incomplete | noarp | none |\n           permanent | probe | reachable | stale }\n";

export const RULE_USAGE =
  "Usage: ip rule { add | del } SELECTOR ACTION\n       ip rule { flush | save | restore }\n       ip rule [ list [ SELECTOR ]]\nSELECTOR := [ not ] [ from PREFIX ] [ to PREFIX ] [ tos TOS ]\n            [ fwmark FWMARK[/MASK] ]\n            [ iif STRING ] [ oif STRING ] [ pref NUMBER ] [ l3mdev ]\n            [ uidrange NUMBER-NUMBER ]\n            [ ipproto PROTOCOL ]\n            [ sport [ NUMBER | NUMBER-NUMBER ]\n            [ dport [ NUMBER | NUMBER-NUMBER ] ]\nACTION := [ table TABLE_ID ]\n          [ protocol PROTO ]\n          [ nat ADDRESS ]\n          [ realms [SRCREALM/]DSTREALM ]\n          [ goto NUMBER ]\n          SUPPRESSOR\nSUPPRESSOR := [ suppress_prefixlength NUMBER ]\n              [ suppress_ifgroup DEVGROUP ]\nTABLE_ID := [ local | main | default | NUMBER ]\n";

export const NETNS_USAGE =
  "Usage:\tip netns list\n\tip netns add NAME\n\tip netns attach NAME PID\n\tip netns set NAME NETNSID\n\tip [-all] netns delete [NAME]\n\tip netns identify [PID]\n\tip netns pids NAME\n\tip [-all] netns exec [NAME] cmd ...\n\tip netns monitor\n\tip netns list-id [target-nsid POSITIVE-INT] [nsid POSITIVE-INT]\nNETNSID := auto | POSITIVE-INT\n";

export const LINK_USAGE =
  "Usage: ip link add [link DEV | parentdev NAME] [ name ] NAME\n\t\t    [ txqueuelen PACKETS ]\n\t\t    [ address LLADDR ]\n\t\t    [ broadcast LLADDR ]\n\t\t    [ mtu MTU ] [index IDX ]\n\t\t    [ numtxqueues QUEUE_COUNT ]\n\t\t    [ numrxqueues QUEUE_COUNT ]\n\t\t    [ netns { PID | NAME } ]\n\t\t    type TYPE [ ARGS ]\n\n\tip link delete { DEVICE | dev DEVICE | group DEVGROUP } type TYPE [ ARGS ]\n\n\tip link set { DEVICE | dev DEVICE | group DEVGROUP }\n\t\t\t[ { up | down } ]\n\t\t\t[ type TYPE ARGS ]\n\t\t[ arp { on | off } ]\n\t\t[ dynamic { on | off } ]\n\t\t[ multicast { on | off } ]\n\t\t[ allmulticast { on | off } ]\n\t\t[ promisc { on | off } ]\n\t\t[ trailers { on | off } ]\n\t\t[ carrier { on | off } ]\n\t\t[ txqueuelen PACKETS ]\n\t\t[ name NEWNAME ]\n\t\t[ address LLADDR ]\n\t\t[ broadcast LLADDR ]\n\t\t[ mtu MTU ]\n\t\t[ netns { PID | NAME } ]\n\t\t[ link-netns NAME | link-netnsid ID ]\n\t\t[ alias NAME ]\n\t\t[ vf NUM [ mac LLADDR ]\n\t\t\t [ vlan VLANID [ qos VLAN-QOS ] [ proto VLAN-PROTO ] ]\n\t\t\t [ rate TXRATE ]\n\t\t\t [ max_tx_rate TXRATE ]\n\t\t\t [ min_tx_rate TXRATE ]\n\t\t\t [ spoofchk { on | off} ]\n\t\t\t [ query_rss { on | off} ]\n\t\t\t [ state { auto | enable | disable} ]\n\t\t\t [ trust { on | off} ]\n\t\t\t [ node_guid EUI64 ]\n\t\t\t [ port_guid EUI64 ] ]\n\t\t[ { xdp | xdpgeneric | xdpdrv | xdpoffload } { off |\n\t\t\t  object FILE [ { section | program } NAME ] [ verbose ] |\n\t\t\t  pinned FILE } ]\n\t\t[ master DEVICE ][ vrf NAME ]\n\t\t[ nomaster ]\n\t\t[ addrgenmode { eui64 | none | stable_secret | random } ]\n\t\t[ protodown { on | off } ]\n\t\t[ protodown_reason PREASON { on | off } ]\n\t\t[ gso_max_size BYTES ] | [ gso_max_segs PACKETS ]\n\t\t[ gro_max_size BYTES ]\n\n\tip link show [ DEVICE | group GROUP ] [up] [master DEV] [vrf NAME] [type TYPE]\n\t\t[nomaster]\n\n\tip link xstats type TYPE [ ARGS ]\n\n\tip link afstats [ dev DEVICE ]\n\tip link property add dev DEVICE [ altname NAME .. ]\n\tip link property del dev DEVICE [ altname NAME .. ]\n\n\tip link help [ TYPE ]\n\nTYPE := { amt | bareudp | bond | bond_slave | bridge | bridge_slave |\n          dsa | dummy | erspan | geneve | gre | gretap | gtp | ifb |\n          ip6erspan | ip6gre | ip6gretap | ip6tnl |\n          ipip | ipoib | ipvlan | ipvtap |\n          macsec | macvlan | macvtap |\n          netdevsim | nlmon | rmnet | sit | team | team_slave |\n          vcan | veth | vlan | vrf | vti | vxcan | vxlan | wwan |\n          xfrm | virt_wifi }\n";

export const ADDR_USAGE =
  "Usage: ip address {add|change|replace} IFADDR dev IFNAME [ LIFETIME ]\n                                                      [ CONFFLAG-LIST ]\n       ip address del IFADDR dev IFNAME [mngtmpaddr]\n       ip address {save|flush} [ dev IFNAME ] [ scope SCOPE-ID ]\n                            [ to PREFIX ] [ FLAG-LIST ] [ label LABEL ] [up]\n       ip address [ show [ dev IFNAME ] [ scope SCOPE-ID ] [ master DEVICE ]\n                         [ nomaster ]\n                         [ type TYPE ] [ to PREFIX ] [ FLAG-LIST ]\n                         [ label LABEL ] [up] [ vrf NAME ] ]\n       ip address {showdump|restore}\nIFADDR := PREFIX | ADDR peer PREFIX\n          [ broadcast ADDR ] [ anycast ADDR ]\n          [ label IFNAME ] [ scope SCOPE-ID ] [ metric METRIC ]\nSCOPE-ID := [ host | link | global | NUMBER ]\nFLAG-LIST := [ FLAG-LIST ] FLAG\nFLAG  := [ permanent | dynamic | secondary | primary |\n           [-]tentative | [-]deprecated | [-]dadfailed | temporary |\n           CONFFLAG-LIST ]\nCONFFLAG-LIST := [ CONFFLAG-LIST ] CONFFLAG\nCONFFLAG  := [ home | nodad | mngtmpaddr | noprefixroute | autojoin ]\nLIFETIME := [ valid_lft LFT ] [ preferred_lft LFT ]\nLFT := forever | SECONDS\nTYPE := { amt | bareudp | bond | bond_slave | bridge | bridge_slave |\n          dsa | dummy | erspan | geneve | gre | gretap | gtp | ifb |\n          ip6erspan | ip6gre | ip6gretap | ip6tnl |\n          ipip | ipoib | ipvlan | ipvtap |\n          macsec | macvlan | macvtap |\n          netdevsim | nlmon | rmnet | sit | team | team_slave |\n          vcan | veth | vlan | vrf | vti | vxcan | vxlan | wwan |\n          xfrm | virt_wifi }\n";

export const IP_USAGE =
  "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n       ip [ -force ] -batch filename\nwhere  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp |\n                   link | macsec | maddress | monitor | mptcp | mroute | mrule |\n                   neighbor | neighbour | netconf | netns | nexthop | ntable |\n                   ntbl | route | rule | sr | tap | tcpmetrics |\n                   token | tunnel | tuntap | vrf | xfrm }\n       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |\n                    -h[uman-readable] | -iec | -j[son] | -p[retty] |\n                    -f[amily] { inet | inet6 | mpls | bridge | link } |\n                    -4 | -6 | -M | -B | -0 |\n                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |\n                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |\n                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |\n                    -c[olor]}\n";
