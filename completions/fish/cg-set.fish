# fish completion for cg-set(1)

function __boxutils_cgroups
    set -l mnt (awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo)
    test -n "$mnt"; or set mnt (awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) == "cgroup" && $(i + 3) !~ /name=/) { print $5; exit } }' /proc/self/mountinfo)
    test -d "$mnt"; and find $mnt -mindepth 1 -maxdepth 4 -type d 2>/dev/null | string replace -- "$mnt/" ""
end

complete -c cg-set -s m -l memory -x -d 'Memory limit (64M, 1.5G, max)'
complete -c cg-set -l memory-swap -x -d 'Memory plus swap, as in Docker'
complete -c cg-set -l cpus -x -d 'CPU bandwidth in CPUs (0.5, 2, max)'
complete -c cg-set -l cpu-weight -x -d 'CPU weight 1..10000'
complete -c cg-set -l pids -x -d 'Most tasks (or max)'
complete -c cg-set -l cpuset -x -d 'CPUs to run on (0-3,6)'
complete -c cg-set -l io-max -x -d 'Block I/O limits MAJ:MIN:rbps=N,...'
complete -c cg-set -l device -x -a "'deny a' 'allow a' 'allow c 1:3 rwm' 'allow c 136:* rwm'" -d 'Device rule: allow|deny TYPE MAJ:MIN ACCESS'
complete -c cg-set -l set -x -a 'memory.high= memory.max= memory.swap.max= cpu.max= cpu.weight= pids.max= cpuset.cpus= cpuset.mems= io.max=' -d 'Write a raw control file FILE=VALUE'
complete -c cg-set -s o -l owner -x -a '(__fish_complete_users)' -d 'Delegate to USER[:GROUP]'
complete -c cg-set -l relative -d "Paths below the caller's own cgroup"
complete -c cg-set -s r -x -a 'memory.limit_in_bytes= memory.max= memory.high= cpu.shares= cpu.max= pids.max= cpuset.cpus=' -d 'Write a raw control file NAME=VALUE (cgset)'
complete -c cg-set -l copy-from -x -a '(__boxutils_cgroups)' -d 'Copy the parameters of a cgroup'
complete -c cg-set -s h -l help -d 'Show help'
complete -c cg-set -s V -l version -d 'Show version'
complete -c cg-set -f -a '(__boxutils_cgroups)'
