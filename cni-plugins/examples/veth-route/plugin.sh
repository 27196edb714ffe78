#!/bin/sh
# veth-route: the classic hand-written CNI plugin. ADD makes a veth pair, moves one end into the
# pod's network namespace as CNI_IFNAME, gives it the configured address with a default route via
# the gateway, puts the gateway address on the host end and routes the pod's /32 to it; DEL deletes
# the host end (its peer dies with it) and is safe to repeat. Plain POSIX sh plus ip, sed, cut, tr:
# it runs on a real Linux node and, with podnet's shims first on PATH, against an emulated one.
#
# Config (stdin), CNI spec 1.0.0:
#   {"cniVersion":"1.0.0","name":"mynet","type":"veth-route","address":"10.22.0.5/24","gateway":"10.22.0.1"}
# CNI_ARGS may carry IP=10.22.0.6 to override the address (prefix length kept).

conf=$(cat)
flat=$(printf '%s' "$conf" | tr -d '\n\r')

# The string value of a top-level JSON key (enough for this flat config; no jq needed).
json_str() {
  printf '%s' "$flat" | sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p"
}

# CNI error result on stdout and a non-zero exit (spec: "Error" result type).
fail() {
  printf '{"cniVersion":"%s","code":%s,"msg":"%s"}\n' "${cniVersion:-1.0.0}" "$1" "$2"
  exit 1
}

cniVersion=$(json_str cniVersion)

case "${CNI_COMMAND:-}" in
  VERSION)
    printf '{"cniVersion":"1.0.0","supportedVersions":["0.3.0","0.3.1","0.4.0","1.0.0"]}\n'
    exit 0
    ;;
  ADD|DEL|CHECK) ;;
  "") fail 4 "required env variables missing: CNI_COMMAND" ;;
  *) fail 4 "unknown CNI_COMMAND: $CNI_COMMAND" ;;
esac

[ -n "${CNI_CONTAINERID:-}" ] || fail 4 "required env variables missing: CNI_CONTAINERID"
[ -n "${CNI_IFNAME:-}" ] || fail 4 "required env variables missing: CNI_IFNAME"

# The host end is named from the container id so DEL finds it again: "veth" + 8 chars <= 15 (IFNAMSIZ-1).
id8=$(printf '%s' "$CNI_CONTAINERID" | tr -cd 'A-Za-z0-9' | cut -c1-8)
hostif="veth$id8"
tmpif="tmp$id8"

if [ "$CNI_COMMAND" = DEL ]; then
  # Already gone is fine: DEL must succeed when repeated.
  ip link del "$hostif" >/dev/null 2>&1
  exit 0
fi

[ -n "${CNI_NETNS:-}" ] || fail 4 "required env variables missing: CNI_NETNS"
[ -n "$flat" ] || fail 6 "no network configuration on stdin"
case "$cniVersion" in
  0.3.0|0.3.1|0.4.0|1.0.0) ;;
  *) fail 1 "incompatible CNI version: '$cniVersion'" ;;
esac
address=$(json_str address)
gateway=$(json_str gateway)
[ -n "$address" ] || fail 7 "network configuration has no \"address\""
[ -n "$gateway" ] || fail 7 "network configuration has no \"gateway\""
podip=${address%/*}
plen=${address#*/}
# CNI_ARGS="K1=V1;K2=V2": IP=... overrides the configured address.
argip=$(printf '%s' "${CNI_ARGS:-}" | tr ';' '\n' | sed -n 's/^IP=//p')
[ -n "$argip" ] && podip=$argip
# ip -n wants a name under /var/run/netns.
ns=${CNI_NETNS##*/}

if [ "$CNI_COMMAND" = CHECK ]; then
  ip link show "$hostif" >/dev/null 2>&1 || fail 100 "host interface $hostif is missing"
  ip -n "$ns" addr show dev "$CNI_IFNAME" 2>/dev/null | grep -q "inet $podip/$plen " || fail 100 "$CNI_IFNAME in $ns lacks $podip/$plen"
  exit 0
fi

# ADD, one step at a time; on any failure undo what was made (deleting the host end takes its peer).
step() {
  out=$("$@" 2>&1) || {
    ip link del "$hostif" >/dev/null 2>&1
    fail 100 "$* failed: $(printf '%s' "$out" | tr -d '"\n')"
  }
}
step ip link add "$hostif" type veth peer name "$tmpif"
step ip link set "$tmpif" netns "$ns"
step ip -n "$ns" link set "$tmpif" name "$CNI_IFNAME"
step ip -n "$ns" addr add "$podip/$plen" dev "$CNI_IFNAME"
step ip -n "$ns" link set "$CNI_IFNAME" up
step ip -n "$ns" route add default via "$gateway" dev "$CNI_IFNAME"
step ip addr add "$gateway/32" dev "$hostif"
step ip link set "$hostif" up
step ip route add "$podip/32" dev "$hostif"

mac_of() {
  ip "$@" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}
hostmac=$(mac_of -o link show dev "$hostif")
podmac=$(mac_of -n "$ns" -o link show dev "$CNI_IFNAME")

printf '{"cniVersion":"%s","interfaces":[{"name":"%s","mac":"%s"},{"name":"%s","mac":"%s","sandbox":"%s"}],"ips":[{"address":"%s/%s","gateway":"%s","interface":1}],"routes":[{"dst":"0.0.0.0/0","gw":"%s"}],"dns":{}}\n' \
  "$cniVersion" "$hostif" "$hostmac" "$CNI_IFNAME" "$podmac" "$CNI_NETNS" "$podip" "$plen" "$gateway" "$gateway"
