# fish completion for ns-list(1)

function __boxutils_containers
    ns-list -n -o id,name 2>/dev/null | string split ' ' | string match -v -- '-' | string match -v ''
end

complete -c ns-list -s o -l output -x -a 'PID PPID LAUNCHER NPROCS RUNTIME ID NAME USER UID NS CGROUP HOSTNAME ADDR COMMAND' -d 'Columns to show'
complete -c ns-list -s J -l json -d 'JSON output'
complete -c ns-list -s t -l type -x -a 'mnt uts ipc net pid user cgroup time' -d 'Only containers with this namespace of their own'
complete -c ns-list -s T -l tree -d 'Show containers inside the one that started them'
complete -c ns-list -s n -l noheadings -d 'No header line'
complete -c ns-list -s h -l help -d 'Show help'
complete -c ns-list -s V -l version -d 'Show version'
complete -c ns-list -f -a '(__boxutils_containers)'
