# fish completion for ns-enter(1)

# once a non-option word is given, the rest is prog's command line
function __ns_enter_prog_pos
    set -l args (commandline -opc)
    set -e args[1]
    set -l skip 0
    for a in $args
        if test $skip = 1
            set skip 0
            continue
        end
        switch $a
            case -t --target --container -S --setuid -G --setgid --netns
                set skip 1
            case --
                return 0
            case '-*'
            case '*'
                return 0
        end
    end
    return 1
end

set -l opt 'not __ns_enter_prog_pos'
complete -c ns-enter -n $opt -s t -l target -x -a '(__fish_complete_pids)' -d 'Process whose namespaces to enter'
complete -c ns-enter -n $opt -l container -x -a '(ns-list -n -o id,name 2>/dev/null | string split " " | string match -v -- "-" | string match -v "")' -d 'The container ns-list shows by this ID or name'
complete -c ns-enter -n $opt -s a -l all -d 'Every namespace of the target that differs from ours'
complete -c ns-enter -n $opt -s m -l mount -r -d 'Mount namespace [=FILE]'
complete -c ns-enter -n $opt -s u -l uts -r -d 'UTS namespace [=FILE]'
complete -c ns-enter -n $opt -s i -l ipc -r -d 'IPC namespace [=FILE]'
complete -c ns-enter -n $opt -s n -l net -r -d 'Network namespace [=FILE]'
complete -c ns-enter -n $opt -l netns -x -a '(ls /run/netns 2>/dev/null)' -d 'Network namespace /run/netns/NAME'
complete -c ns-enter -n $opt -s p -l pid -r -d 'PID namespace [=FILE]'
complete -c ns-enter -n $opt -s U -l user -r -d 'User namespace [=FILE]'
complete -c ns-enter -n $opt -s C -l cgroup -r -d 'Cgroup namespace [=FILE]'
complete -c ns-enter -n $opt -s T -l time -r -d 'Time namespace [=FILE]'
complete -c ns-enter -n $opt -s S -l setuid -x -d 'Uid to run as'
complete -c ns-enter -n $opt -s G -l setgid -x -d 'Gid to run as'
complete -c ns-enter -n $opt -l preserve-credentials -d 'Keep our uid and gids in a user namespace'
complete -c ns-enter -n $opt -s r -l root -r -a '(__fish_complete_directories)' -d "Root directory [=DIR] (default the target's)"
complete -c ns-enter -n $opt -s w -l wd -r -a '(__fish_complete_directories)' -d "Working directory [=DIR] (default the target's)"
complete -c ns-enter -n $opt -s e -l env -d 'Take the environment of the target'
complete -c ns-enter -n $opt -s c -l join-cgroup -d 'Move into the cgroups of the target'
complete -c ns-enter -n $opt -s F -l no-fork -d 'Do not fork for a PID namespace'
complete -c ns-enter -n $opt -l pty -d 'Run prog on a new pseudo-terminal'
complete -c ns-enter -n $opt -s h -l help -d 'Show help'
complete -c ns-enter -n $opt -s V -l version -d 'Show version'
complete -c ns-enter -n $opt -a '(__fish_complete_command)'
complete -c ns-enter -n '__ns_enter_prog_pos' -x -a '(__fish_complete_subcommand)'
