#!/bin/sh
# Builds the .deb fixtures with dpkg-deb and records, for each, the sha256
# of every file as dpkg-deb itself extracts it (-x for the payload, -e for
# the control archive). The Go tests compare package deb's tree with these
# listings. SOURCE_DATE_EPOCH makes dpkg-deb's output reproducible.
set -eu
export SOURCE_DATE_EPOCH=1700000000
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pkg=$work/pkg
mkdir -p "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/usr/share/hello" "$pkg/etc"
cat > "$pkg/DEBIAN/control" <<'CTL'
Package: hello
Version: 1.0
Architecture: all
Maintainer: Vigil Fixtures <fixtures@example.invalid>
Description: vigil fixture
CTL
printf '#!/bin/sh\nset -e\necho configured\n' > "$pkg/DEBIAN/postinst"
printf '#!/bin/sh\necho removing\n' > "$pkg/DEBIAN/prerm"
chmod 755 "$pkg/DEBIAN/postinst" "$pkg/DEBIAN/prerm"
printf '#!/bin/sh\necho hello\n' > "$pkg/usr/bin/hello"
chmod 755 "$pkg/usr/bin/hello"
seq 1 2000 > "$pkg/usr/share/hello/numbers.txt"
printf 'greeting=hello\n' > "$pkg/etc/hello.conf"
ln -s ../../bin/hello "$pkg/usr/share/hello/link"
(cd "$pkg" && find usr -type f | LC_ALL=C sort | xargs md5sum) > "$pkg/DEBIAN/md5sums"
echo /etc/hello.conf > "$pkg/DEBIAN/conffiles"

listing() { # deb -> sha256 of control/ and data/ files as dpkg-deb extracts them
	d=$(mktemp -d)
	dpkg-deb -e "$1" "$d/control"
	dpkg-deb -x "$1" "$d/data"
	(cd "$d" && find . -type f | LC_ALL=C sort | xargs sha256sum) > "$1.sha256"
	rm -rf "$d"
}
for z in gzip xz zstd none; do
	dpkg-deb --root-owner-group -Z$z -b "$pkg" "hello-$z.deb" >/dev/null
	listing "hello-$z.deb"
done

# dpkg-deb reads but no longer writes data.tar.bz2: repack the
# uncompressed package's members with binutils ar.
mkdir -p "$work/bz"
(cd "$work/bz" && ar x "$OLDPWD/hello-none.deb" && bzip2 -9 data.tar &&
	rm -f "$OLDPWD/hello-bzip2.deb" &&
	ar rcD "$OLDPWD/hello-bzip2.deb" debian-binary control.tar data.tar.bz2)
listing hello-bzip2.deb

# Adversarial copies.
size=$(stat -c %s hello-xz.deb)
head -c $((size - 300)) hello-xz.deb > fail_truncated.deb
python3 - <<'PY'
b = open("hello-none.deb", "rb").read()
i = b.index(b"echo hello")
open("fail_tampered.deb", "wb").write(b[:i] + b"echo HELLO" + b[i+10:])
PY
# A data.tar with a path-traversal entry and an extra ar member, put
# together with binutils ar the way dpkg-deb lays a package out.
mkdir -p "$work/evil/etc" "$work/ar"
printf 'owned\n' > "$work/evil/etc/evil"
tar --format=gnu --owner=0 --group=0 --mtime=@1700000000 -C "$work/evil" \
	--transform 's,^etc,../../etc,' -cf "$work/ar/data.tar" etc/evil 2>/dev/null
(cd "$work/ar" && ar x "$OLDPWD/hello-gzip.deb" debian-binary control.tar.gz &&
	printf 'extra\n' > zz-extra &&
	rm -f "$OLDPWD/fail_traversal.deb" &&
	ar rcD "$OLDPWD/fail_traversal.deb" debian-binary control.tar.gz data.tar zz-extra)
