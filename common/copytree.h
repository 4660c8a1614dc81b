/*
 * copytree.h - copy a directory's contents into another, as runc's and
 * crun's "tmpcopyup" does for a tmpfs mounted over an image directory:
 * files, directories, symlinks, fifos and device nodes, with their
 * mode, owner and times.  Every name is opened relative to its parent
 * fd without following symlinks, so a hostile image cannot lead the
 * copy out of the tree it was given.
 */
#ifndef BOX_COPYTREE_H
#define BOX_COPYTREE_H

/*
 * Copy what the directory from holds into the directory to (both open
 * fds, from readable).  Returns 0, or -1 with errno; ELOOP past
 * COPYTREE_DEPTH levels of directories.
 */
#define COPYTREE_DEPTH 128
int copy_tree(int from, int to);

#endif
