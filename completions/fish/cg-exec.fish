# fish completion for cg-exec(1)

function __boxutils_cgroups
    set -l mnt (awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo)
    test -n "$mnt"; or set mnt (awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) == "cgroup" && $(i + 3) !~ /name=/) { print $5; exit } }' /proc/self/mountinfo)
    test -d "$mnt"; and find $mnt -mindepth 1 -maxdepth 4 -type d 2>/dev/null | string replace -- "$mnt/" ""
end

# the first non-option is PATH (unless -g named it); then prog and its args
function __cg_exec_prog_pos
    set -l args (commandline -opc)
    set -e args[1]
    set -l g 0
    set -l skip 0
    for a in $args
        if test $skip = 1
            set skip 0
            continue
        end
        switch $a
            case -g --cgroup
                set g 1
                set skip 1
            case '-*'
            case '*'
                test $g = 1; and return 0
                set g 1
        end
    end
    test $g = 1
end
complete -c cg-exec -s g -l cgroup -x -n 'not __cg_exec_prog_pos' -d "Join PATH in these controllers' hierarchies"
complete -c cg-exec -s f -l fork -n 'not __cg_exec_prog_pos' -d 'Run prog as a child made inside the cgroup'
complete -c cg-exec -s r -l relative -n 'not __cg_exec_prog_pos' -d "Path below the caller's own cgroup"
complete -c cg-exec -l sticky -n 'not __cg_exec_prog_pos' -d 'Accepted for cgexec; a no-op'
complete -c cg-exec -s h -l help -n 'not __cg_exec_prog_pos' -d 'Show help'
complete -c cg-exec -s V -l version -n 'not __cg_exec_prog_pos' -d 'Show version'
complete -c cg-exec -f -n 'not __cg_exec_prog_pos' -a '(__boxutils_cgroups)'
complete -c cg-exec -n '__cg_exec_prog_pos' -x -a '(__fish_complete_subcommand)'
