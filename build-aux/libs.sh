#!/bin/bash
# build-aux/libs.sh - the libraries boxutils links, built static against
# musl from Debian's own source packages.
#
#   build-aux/libs.sh PREFIX PKG...     PKG: libcap2 util-linux libseccomp jansson
#
# Debian ships no musl builds of libcap, libmount, libseccomp or jansson,
# and the tools are static-pie against musl (start-up is paid at every
# step of a chain).  So each source package is fetched with apt-get from
# deb-src entries derived from the system's own apt sources, in a private
# apt configuration under build/ (nothing in /etc is changed; apt checks
# the signed indexes as it does for binary packages), unpacked under
# build/libs/src/PKG-VERSION/ and built into PREFIX (include/, lib/*.a,
# lib/pkgconfig/*.pc), once: a package whose version is already built is
# left alone.  No source is copied into the repository.
#
# Needs: musl-tools, dpkg-dev (dpkg-source), make; `make deps` installs them.
# Exits non-zero with one line on stderr when a step fails; the Makefile
# then falls back to the glibc build and says so.

set -o pipefail
prefix=$1
shift
[ -n "$prefix" ] && [ $# -gt 0 ] || {
	echo "usage: $0 PREFIX PKG..." >&2
	exit 2
}
libs=$(dirname "$prefix")
apt=$libs/apt
src=$libs/src
log=$libs/log
mkdir -p "$prefix/include" "$prefix/lib/pkgconfig" "$src" "$log" || exit 1
CC=${MUSL_CC:-musl-gcc}
# musl's gcc wrapper sees only musl's headers; the kernel's are linked in
# by the Makefile ($(MUSL)/include), and libmount and libseccomp need them.
KINC=${MUSL_KINC:?MUSL_KINC: the kernel headers for musl, from the Makefile}
# -fPIE: the archives go into static-pie binaries.
CFLAGS="-O2 -fPIE -ffunction-sections -fdata-sections -isystem $KINC"
JOBS=${JOBS:-$(nproc)}

say() { echo "libs: $*" >&2; }
die() {
	echo "libs: $*" >&2
	exit 1
}

# --- a private apt configuration with deb-src entries ---------------------

# deb-src twins of every enabled deb entry, one-line (*.list) and deb822
# (*.sources) alike.
derive_sources() {
	local f
	mkdir -p "$apt/sources.list.d" "$apt/lists/partial" "$apt/cache/archives/partial"
	: >"$apt/sources.list"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -n 's/^[[:space:]]*deb\([[:space:]]\)/deb-src\1/p' "$f" >>"$apt/sources.list"
	done
	rm -f "$apt/sources.list.d/"*.sources
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# a stanza with "Enabled: no" stays disabled; Types gets deb-src
		awk 'BEGIN { RS = ""; ORS = "\n\n" }
		     /(^|\n)Enabled:[[:space:]]*no/ { next }
		     /(^|\n)Types:[^\n]*deb([[:space:]]|$)/ {
			     sub(/Types:[^\n]*/, "Types: deb-src"); print }' \
			"$f" >"$apt/sources.list.d/$(basename "$f")"
	done
}

APT_OPTS=()
apt_private() {
	APT_OPTS=(-o "Dir::Etc::SourceList=$apt/sources.list"
		-o "Dir::Etc::SourceParts=$apt/sources.list.d"
		-o "Dir::State::Lists=$apt/lists"
		-o "Dir::Cache=$apt/cache"
		-o "Debug::NoLocking=1"
		-o "APT::Get::List-Cleanup=0")
}

updated=
apt_update() {
	[ -n "$updated" ] && return 0
	derive_sources
	apt_private
	say "apt-get update (deb-src, private lists in $apt)"
	apt-get "${APT_OPTS[@]}" -qq update >"$log/apt-update.log" 2>&1 ||
		die "apt-get update of the deb-src lists failed (see $log/apt-update.log)"
	updated=1
}

# The version of PKG to build: the source version of the binary package
# the system runs where one is installed (so the static library is the
# same release as the shared one), else the newest in the deb-src lists.
src_version() {
	local pkg=$1 bin v
	case $pkg in
	libcap2) bin=libcap2 ;;
	util-linux) bin=libmount1 ;;
	libseccomp) bin=libseccomp2 ;;
	jansson) bin=libjansson4 ;;
	*) bin=$pkg ;;
	esac
	v=$(dpkg-query -W -f='${db:Status-Status} ${source:Version}' "$bin" 2>/dev/null)
	case $v in
	"installed "*) echo "${v#installed }" ;;
	*) apt-cache "${APT_OPTS[@]}" showsrc "$pkg" 2>/dev/null |
		sed -n 's/^Version: //p' | sort -V | tail -n 1 ;;
	esac
}

# fetch PKG: unpack its source into $src/PKG-VERSION, set $srcdir to it.
# (Not in a subshell: apt-get update runs once for all packages.)
fetch() {
	local pkg=$1 ver dir
	ver=$(src_version "$pkg")
	dir=$src/$pkg-${ver#*:}
	if [ -n "$ver" ] && [ -f "$dir/.unpacked" ]; then
		srcdir=$dir
		return 0
	fi
	apt_update
	[ -n "$ver" ] || ver=$(src_version "$pkg")
	[ -n "$ver" ] || die "no source package $pkg in the deb-src lists"
	dir=$src/$pkg-${ver#*:}
	rm -rf "$dir" "$src/dl-$pkg"
	mkdir -p "$src/dl-$pkg"
	say "apt-get source $pkg=$ver"
	(cd "$src/dl-$pkg" && apt-get "${APT_OPTS[@]}" -qq source "$pkg=$ver") \
		>"$log/fetch-$pkg.log" 2>&1 ||
		die "apt-get source $pkg=$ver failed (see $log/fetch-$pkg.log)"
	local d
	d=$(find "$src/dl-$pkg" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	[ -n "$d" ] || die "apt-get source $pkg unpacked nothing"
	mv "$d" "$dir" && rm -rf "$src/dl-$pkg" && touch "$dir/.unpacked" ||
		die "cannot move the $pkg source into $dir"
	srcdir=$dir
}

stamp() { echo "$prefix/.built-$1"; }

built() {
	local want
	want=$(cat "$(stamp "$1")" 2>/dev/null) || return 1
	[ "$want" = "$2" ]
}

# pc NAME VERSION LIBS [REQUIRES]: a pkg-config file for an archive
pc() {
	cat >"$prefix/lib/pkgconfig/$1.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: $1
Description: $1, static, built against musl by boxutils
Version: $2
Requires.private: ${4:-}
Libs: -L\${libdir} $3
Cflags: -I\${includedir}
PC
}

# --- each library -----------------------------------------------------------

# Debian's patches may leave configure.ac newer than configure, and make
# would then want autoconf and automake, which a build machine need not
# have: the shipped configure and Makefile.in are used as they are, so
# their time stamps are put back in the order the tools make them.
autotools_settle() {
	local d=$1 f
	for f in aclocal.m4 configure config.h.in; do
		[ -f "$d/$f" ] && touch "$d/$f"
		sleep 0.01
	done
	find "$d" -name Makefile.in -exec touch {} +
}

build_libcap2() {
	local dir=$1 ver
	# libcap's own Makefiles: build the archive only (no shared library,
	# no setcap on installed programs, no Go bindings); _makenames runs
	# on the build machine, so BUILD_CC is the system's compiler.
	make -C "$dir/libcap" -j"$JOBS" CC="$CC" BUILD_CC=gcc \
		COPTS="$CFLAGS" LDFLAGS= GOLANG=no USE_GPERF=no \
		libcap.a >"$log/build-libcap2.log" 2>&1 || return 1
	ver=$(sed -n 's/^VERSION=\(.*\)$/\1/p' "$dir/Make.Rules")
	ver=$ver.$(sed -n 's/^MINOR=\(.*\)$/\1/p' "$dir/Make.Rules")
	install -D -m 644 "$dir/libcap/libcap.a" "$prefix/lib/libcap.a" &&
		install -D -m 644 "$dir/libcap/include/sys/capability.h" \
			"$prefix/include/sys/capability.h" &&
		pc libcap "$ver" -lcap
}

build_util_linux() {
	local dir=$1 ver
	# only libmount and the libblkid it is built on: no programs, no
	# selinux, udev, systemd, cryptsetup or translations
	autotools_settle "$dir"
	(cd "$dir" && CC="$CC" CFLAGS="$CFLAGS" ./configure -q \
		--prefix="$prefix" --disable-all-programs \
		--enable-libmount --enable-libblkid \
		--disable-shared --enable-static --disable-nls \
		--without-selinux --without-udev --without-systemd \
		--without-cryptsetup --without-python --without-readline \
		--without-ncurses --without-ncursesw --without-tinfo \
		--without-libmagic --without-econf --without-audit \
		--without-utempter --without-cap-ng --without-btrfs \
		--without-smack --without-user --without-util \
		--disable-bash-completion --disable-asciidoc &&
		make -j"$JOBS" libblkid.la libmount.la &&
		make install-usrlib_execLTLIBRARIES install-nodist_blkidincHEADERS \
			install-nodist_mountincHEADERS install-pkgconfigDATA) \
		>"$log/build-util-linux.log" 2>&1 || return 1
	# libtool archives would make pkg-config users pull in .la files
	rm -f "$prefix"/lib/libblkid.la "$prefix"/lib/libmount.la
}

build_libseccomp() {
	local dir=$1
	autotools_settle "$dir"
	(cd "$dir" && CC="$CC" CFLAGS="$CFLAGS" ./configure -q \
		--prefix="$prefix" --disable-shared --enable-static \
		--disable-python &&
		make -j"$JOBS" -C src libseccomp.la &&
		make -C src install-libLTLIBRARIES &&
		make -C include install &&
		make install-pkgconfDATA) \
		>"$log/build-libseccomp.log" 2>&1 || return 1
	rm -f "$prefix"/lib/libseccomp.la
}

build_jansson() {
	local dir=$1
	# Debian builds jansson with autoreconf; its CMake build needs no
	# autotools and builds the archive alone
	(cmake -S "$dir" -B "$dir/build-musl" -DCMAKE_C_COMPILER="$CC" \
		-DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib \
		-DCMAKE_POSITION_INDEPENDENT_CODE=ON \
		-DJANSSON_BUILD_SHARED_LIBS=OFF -DJANSSON_BUILD_DOCS=OFF \
		-DJANSSON_EXAMPLES=OFF -DJANSSON_WITHOUT_TESTS=ON &&
		cmake --build "$dir/build-musl" -j "$JOBS" &&
		cmake --install "$dir/build-musl") \
		>"$log/build-jansson.log" 2>&1 || return 1
	rm -rf "$prefix/lib/cmake"
}

for pkg; do
	fetch "$pkg"
	dir=$srcdir
	ver=${dir##*/}
	built "$pkg" "$ver" && continue
	say "building $ver with musl"
	start=$(date +%s)
	"build_${pkg//-/_}" "$dir" ||
		die "building $ver failed (see $log/build-$pkg.log)"
	echo "$ver" >"$(stamp "$pkg")"
	say "built $ver in $(($(date +%s) - start)) s"
done
