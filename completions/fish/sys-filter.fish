# fish completion for sys-filter(1)

complete -c sys-filter -s p -l profile -r -F -a default -d 'JSON seccomp profile, or default'
complete -c sys-filter -s d -l deny -x -d 'Syscalls that fail: LIST[:ERRNO]'
complete -c sys-filter -s a -l allow -x -d 'Syscalls allowed; the rest fail'
complete -c sys-filter -l default-action -x -a 'kill kill-process kill-thread trap log allow errno:' -d 'What other syscalls do'
complete -c sys-filter -l arch -x -a 'x86_64 x86 x32 aarch64 arm ppc64le ppc64 s390x s390 riscv64' -d 'Architectures to filter'
complete -c sys-filter -l log -d 'Log every action but allow'
complete -c sys-filter -l tsync -d 'Filter every thread'
complete -c sys-filter -s n -l no-new-privs -d 'Set no_new_privs before loading'
complete -c sys-filter -l dump -r -F -d 'Write the BPF program to FILE'
complete -c sys-filter -l print -d 'Print the rules resolved'
complete -c sys-filter -l bpf -r -F -d 'Load a compiled BPF program (from --dump)'
complete -c sys-filter -l cache -x -a '(__fish_complete_directories)' -d 'Keep built programs in DIR, load them from there'
complete -c sys-filter -s v -l verbose -d 'Say whether the filter was built or cached'
complete -c sys-filter -s h -l help -d 'Show help'
complete -c sys-filter -s V -l version -d 'Show version'
# after the options, prog and its arguments
complete -c sys-filter -n 'not string match -q -- "-*" (commandline -ct)' -x -a '(__fish_complete_subcommand)'
