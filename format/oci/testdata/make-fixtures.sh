#!/bin/sh
# Builds container image fixtures with GNU tar, gzip and sha256sum, laid
# out as the OCI image-layout spec and docker save describe (no registry
# tool is installed here). Two layers: the second deletes tmp/junk with a
# whiteout, empties opt/app with an opaque whiteout and adds opt/app/c.txt,
# replaces usr/bin/hello and adds etc/new.conf. expected.txt lists the
# flattened filesystem a runtime would see (written by hand from that
# description; no container runtime is installed to produce it).
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
T="tar --format=posix --pax-option=delete=atime,delete=ctime --owner=0 --group=0 --numeric-owner --mtime=@1700000000 --sort=name"
sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

mkdir -p "$work/l1/etc" "$work/l1/usr/bin" "$work/l1/opt/app" "$work/l1/tmp"
printf 'greeting=hello\n' > "$work/l1/etc/hello.conf"
printf '#!/bin/sh\necho hello\n' > "$work/l1/usr/bin/hello"
printf 'a\n' > "$work/l1/opt/app/a.txt"
printf 'b\n' > "$work/l1/opt/app/b.txt"
printf 'junk\n' > "$work/l1/tmp/junk"
mkdir -p "$work/l2/etc" "$work/l2/usr/bin" "$work/l2/opt/app" "$work/l2/tmp"
: > "$work/l2/tmp/.wh.junk"
: > "$work/l2/opt/app/.wh..wh..opq"
printf 'c\n' > "$work/l2/opt/app/c.txt"
printf '#!/bin/sh\necho hello, v2\n' > "$work/l2/usr/bin/hello"
printf 'new=1\n' > "$work/l2/etc/new.conf"
$T -C "$work/l1" -cf - etc opt tmp usr | gzip -n -9 > "$work/l1.tar.gz"
$T -C "$work/l2" -cf "$work/l2.tar" etc opt tmp usr

# OCI image layout.
L=$work/layout
mkdir -p "$L/blobs/sha256"
cp "$work/l1.tar.gz" "$L/blobs/sha256/$(sha "$work/l1.tar.gz")"
cp "$work/l2.tar" "$L/blobs/sha256/$(sha "$work/l2.tar")"
diff1=$(gzip -dc "$work/l1.tar.gz" | sha256sum | cut -d' ' -f1)
printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/usr/bin/hello"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s","sha256:%s"]}}' \
	"$diff1" "$(sha "$work/l2.tar")" > "$work/config.json"
cp "$work/config.json" "$L/blobs/sha256/$(sha "$work/config.json")"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%d},{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%d}]}' \
	"$(sha "$work/config.json")" "$(size "$work/config.json")" \
	"$(sha "$work/l1.tar.gz")" "$(size "$work/l1.tar.gz")" \
	"$(sha "$work/l2.tar")" "$(size "$work/l2.tar")" > "$work/manifest.json"
cp "$work/manifest.json" "$L/blobs/sha256/$(sha "$work/manifest.json")"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"hello:1.0"}}]}' \
	"$(sha "$work/manifest.json")" "$(size "$work/manifest.json")" > "$L/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' > "$L/oci-layout"
rm -rf layout && cp -r "$L" layout
$T -C "$L" -cf image-oci.tar oci-layout index.json blobs

# docker save | gzip: the layout tar compressed.
gzip -n -9 < image-oci.tar > image-oci.tar.gz

# docker save, legacy layout: ID/layer.tar and ID.json.
D=$work/docker
mkdir -p "$D/1111" "$D/2222"
gzip -dc "$work/l1.tar.gz" > "$D/1111/layer.tar"
cp "$work/l2.tar" "$D/2222/layer.tar"
cp "$work/config.json" "$D/$(sha "$work/config.json").json"
printf '[{"Config":"%s.json","RepoTags":["hello:1.0"],"Layers":["1111/layer.tar","2222/layer.tar"]}]' \
	"$(sha "$work/config.json")" > "$D/manifest.json"
$T -C "$D" -cf image-docker.tar .

# Adversarial: the layout with one byte of the second layer changed.
cp -r "$L" "$work/bad"
blob=$work/bad/blobs/sha256/$(sha "$work/l2.tar")
python3 - "$blob" <<'PY'
import sys
p = sys.argv[1]
b = open(p, "rb").read()
i = b.index(b"new=1")
open(p, "wb").write(b[:i] + b"new=2" + b[i+5:])
PY
$T -C "$work/bad" -cf fail_digest.tar oci-layout index.json blobs
# A plain tar is not an image.
$T -C "$work/l1" -cf fail_plain.tar etc
gzip -n -9 < fail_plain.tar > fail_plain.tar.gz

cat > expected.txt <<'TXT'
etc/hello.conf greeting=hello
etc/new.conf new=1
opt/app/c.txt c
usr/bin/hello #!/bin/sh|echo hello, v2
TXT
