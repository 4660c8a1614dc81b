# fish completion for cg-create(1)

function __boxutils_cgroups
    set -l mnt (awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo)
    test -n "$mnt"; or set mnt (awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) == "cgroup" && $(i + 3) !~ /name=/) { print $5; exit } }' /proc/self/mountinfo)
    test -d "$mnt"; and find $mnt -mindepth 1 -maxdepth 4 -type d 2>/dev/null | string replace -- "$mnt/" ""
end

set -g __cg_ctrls '*' cpu cpuacct cpuset memory devices freezer net_cls blkio io pids hugetlb rdma misc

complete -c cg-create -s m -l memory -x -d 'Memory limit (64M, 1.5G, max)'
complete -c cg-create -l memory-swap -x -d 'Memory plus swap, as in Docker'
complete -c cg-create -l cpus -x -d 'CPU bandwidth in CPUs (0.5, 2, max)'
complete -c cg-create -l cpu-weight -x -d 'CPU weight 1..10000'
complete -c cg-create -l pids -x -d 'Most tasks (or max)'
complete -c cg-create -l cpuset -x -d 'CPUs to run on (0-3,6)'
complete -c cg-create -l io-max -x -d 'Block I/O limits MAJ:MIN:rbps=N,...'
complete -c cg-create -l device -x -a "'deny a' 'allow a' 'allow c 1:3 rwm' 'allow c 136:* rwm'" -d 'Device rule: allow|deny TYPE MAJ:MIN ACCESS'
complete -c cg-create -l set -x -a 'memory.high= memory.max= memory.swap.max= cpu.max= cpu.weight= pids.max= cpuset.cpus= cpuset.mems= io.max=' -d 'Write a raw control file FILE=VALUE'
complete -c cg-create -s o -l owner -x -a '(__fish_complete_users)' -d 'Delegate to USER[:GROUP]'
complete -c cg-create -s r -l relative -d "Paths below the caller's own cgroup"
complete -c cg-create -s h -l help -d 'Show help'
complete -c cg-create -s V -l version -d 'Show version'
complete -c cg-create -f -a '(__boxutils_cgroups)'
complete -c cg-create -s p -l parents -d 'Make missing parents, accept existing'
complete -c cg-create -s g -l cgroup -x -a '(string replace -r "\$" : $__cg_ctrls)' -d "Make PATH in these controllers' hierarchies"
complete -c cg-create -s a -l admin -x -a '(__fish_complete_users)' -d 'Owner of the directory and every file'
complete -c cg-create -s t -l tasks-owner -x -a '(__fish_complete_users)' -d 'Owner of tasks and cgroup.procs'
complete -c cg-create -s d -l dperm -x -d 'Mode of the directory (octal)'
complete -c cg-create -s f -l fperm -x -d "Mode of the files, masked by the owner's"
complete -c cg-create -s s -l tperm -x -d 'Mode of the task files'
