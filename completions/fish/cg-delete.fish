# fish completion for cg-delete(1)

function __boxutils_cgroups
    set -l mnt (awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo)
    test -n "$mnt"; or set mnt (awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) == "cgroup" && $(i + 3) !~ /name=/) { print $5; exit } }' /proc/self/mountinfo)
    test -d "$mnt"; and find $mnt -mindepth 1 -maxdepth 4 -type d 2>/dev/null | string replace -- "$mnt/" ""
end

complete -c cg-delete -s r -s R -l recursive -d 'Remove child cgroups too'
complete -c cg-delete -s g -l cgroup -x -d "Remove PATH in these controllers' hierarchies only"
complete -c cg-delete -l relative -d "Paths below the caller's own cgroup"
complete -c cg-delete -s t -l timeout -x -d 'Give up after SECONDS'
complete -c cg-delete -s h -l help -d 'Show help'
complete -c cg-delete -s V -l version -d 'Show version'
complete -c cg-delete -f -a '(__boxutils_cgroups)'
