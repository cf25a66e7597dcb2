#!/bin/sh
# Builds an Alpine package the way abuild does, with GNU tar, gzip and
# openssl standing in for abuild-tar: three gzip streams concatenated, the
# signature tar and the control tar cut before their end-of-archive
# blocks (abuild-tar --cut), then the data tar whole. hello.apk.sha256
# lists every file as GNU tar extracts the concatenated stream
# (tar -xzf reads gzip members in turn; -i skips the zero blocks).
# The RSA key is made afresh, so the signature bytes differ per run.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
T="tar --format=posix --pax-option=delete=atime,delete=ctime --owner=0 --group=0 --numeric-owner --mtime=@1700000000 --sort=name --record-size=512"
cutend() { head -c -1024; } # drop the two zero blocks that end a tar

mkdir -p "$work/data/usr/bin" "$work/data/etc" "$work/ctl" "$work/sig"
printf '#!/bin/sh\necho hello\n' > "$work/data/usr/bin/hello"
chmod 755 "$work/data/usr/bin/hello"
printf 'greeting=hello\n' > "$work/data/etc/hello.conf"
ln -s hello "$work/data/usr/bin/hi"
$T -C "$work/data" -cf - etc usr | gzip -n -9 > "$work/data.tar.gz"

cat > "$work/ctl/.PKGINFO" <<PKG
pkgname = hello
pkgver = 1.0-r0
arch = noarch
datahash = $(sha256sum "$work/data.tar.gz" | cut -d' ' -f1)
PKG
printf '#!/bin/sh\nadduser -S hello 2>/dev/null\nexit 0\n' > "$work/ctl/.pre-install"
printf '#!/bin/sh\necho installed\n' > "$work/ctl/.post-install"
chmod 755 "$work/ctl/.pre-install" "$work/ctl/.post-install"
$T -C "$work/ctl" -cf - .PKGINFO .post-install .pre-install | cutend | gzip -n -9 > "$work/control.tar.gz"

openssl genrsa -out "$work/key.pem" 2048 2>/dev/null
openssl dgst -sha1 -sign "$work/key.pem" -out "$work/sig/.SIGN.RSA.fixtures@example.invalid.rsa.pub" "$work/control.tar.gz"
$T -C "$work/sig" -cf - .SIGN.RSA.fixtures@example.invalid.rsa.pub | cutend | gzip -n -9 > "$work/sig.tar.gz"

cat "$work/sig.tar.gz" "$work/control.tar.gz" "$work/data.tar.gz" > hello.apk
d=$(mktemp -d)
tar -C "$d" -xzif hello.apk
(cd "$d" && find . -type f | LC_ALL=C sort | xargs sha256sum) > hello.apk.sha256
rm -rf "$d"

# Adversarial copies: cut in the data stream; a data entry named
# /etc/shadow (absolute), appended as a fourth gzip stream.
size=$(stat -c %s hello.apk)
head -c $((size - 40)) hello.apk > fail_truncated.apk
mkdir -p "$work/evil/etc"
printf 'root::0:0::/root:/bin/sh\n' > "$work/evil/etc/shadow"
{ cat "$work/sig.tar.gz" "$work/control.tar.gz"
  $T -C "$work/data" -cf - etc usr | cutend | gzip -n -9
  $T -C "$work/evil" --transform 's,^etc,/etc,' -Pcf - etc/shadow | gzip -n -9
} > fail_absolute.apk
