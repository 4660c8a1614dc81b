# fish completion for cap-drop(1)

set -l __cap_drop_caps all none chown dac_override dac_read_search fowner fsetid kill setgid setuid setpcap linux_immutable net_bind_service net_broadcast net_admin net_raw ipc_lock ipc_owner sys_module sys_rawio sys_chroot sys_ptrace sys_pacct sys_admin sys_boot sys_nice sys_resource sys_time sys_tty_config mknod lease audit_write audit_control setfcap mac_override mac_admin syslog wake_alarm block_suspend audit_read perfmon bpf checkpoint_restore

complete -c cap-drop -s c -l caps -x -a "$__cap_drop_caps" -d 'Capabilities to keep (default: Docker set)'
complete -c cap-drop -s d -l drop -x -a "$__cap_drop_caps" -d 'Capabilities to remove from the kept set'
complete -c cap-drop -s a -l ambient -x -a "$__cap_drop_caps" -d 'Kept capabilities to raise as ambient'
complete -c cap-drop -s u -l user -x -a '(__fish_complete_users)' -d 'Switch to USER[:GROUP]'
complete -c cap-drop -s g -l groups -x -a '(__fish_complete_groups)' -d 'Supplementary groups'
complete -c cap-drop -l clear-groups -d 'No supplementary groups'
complete -c cap-drop -s n -l no-new-privs -d 'Set no_new_privs before exec'
complete -c cap-drop -l apparmor-profile -x -d 'AppArmor profile for prog'
complete -c cap-drop -l selinux-label -x -d 'SELinux context for prog'
complete -c cap-drop -s h -l help -d 'Show help'
complete -c cap-drop -s V -l version -d 'Show version'
# after the options, prog and its arguments
complete -c cap-drop -n 'not string match -q -- "-*" (commandline -ct)' -x -a '(__fish_complete_subcommand)'
