# fish completion for veth-link(1)

function __veth_link_ifaces
    ip -o link show 2>/dev/null | string replace -r '^[0-9]+: ([^:@]+).*' '$1'
end

complete -c veth-link -s n -l netns -r -a '(ls /run/netns 2>/dev/null) (__fish_complete_path)' -d 'Namespace of the peer: PID, FILE or NAME'
complete -c veth-link -l peer-name -x -a 'eth0 eth1' -d 'Name of the peer in its namespace'
complete -c veth-link -s a -l addr -x -d 'Address of the host end, ADDR/PREFIX'
complete -c veth-link -s A -l peer-addr -x -d 'Address of the peer, ADDR/PREFIX'
complete -c veth-link -s g -l gateway -x -d 'Default route of the peer via ADDR'
complete -c veth-link -s b -l bridge -x -a '(__veth_link_ifaces)' -d 'Attach the host end to a bridge'
complete -c veth-link -l bridge-create -d 'Create the bridge if missing'
complete -c veth-link -l bridge-addr -x -d 'Address of a bridge this run creates'
complete -c veth-link -l mtu -x -d 'MTU of both ends (68-65535)'
complete -c veth-link -l mac -x -d 'MAC address of the host end'
complete -c veth-link -l peer-mac -x -d 'MAC address of the peer'
complete -c veth-link -l down -d 'Leave both ends down'
complete -c veth-link -s p -l publish -x -d 'Publish port: [IP:]HOST:CTR[/PROTO]'
complete -c veth-link -l masquerade -d 'Masquerade the peer\'s outbound traffic'
complete -c veth-link -l prune -d 'Remove nftables chains of links gone'
complete -c veth-link -s d -l delete -d 'Delete the pair NAME'
complete -c veth-link -s h -l help -d 'Show help'
complete -c veth-link -s V -l version -d 'Show version'
# NAME: existing links (what --delete wants); then prog
complete -c veth-link -n 'not string match -q -- "-*" (commandline -ct)' -x -a '(__veth_link_ifaces) (__fish_complete_subcommand)'
