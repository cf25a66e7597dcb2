package watch

import (
	"context"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// oci resolves an image tag through the OCI distribution API (manifest,
// then config and layer blobs) with go-containerregistry. The artifact is
// the image as a "docker save" tarball, which is deterministic for a given
// manifest, so the same tag with a new manifest is new bytes. The tag is
// the version and the manifest digest the feed's digest.
func (f *fetcher) oci(ctx context.Context, s *Source) (listing, error) {
	var opts []name.Option
	if s.Insecure {
		opts = append(opts, name.Insecure)
	}
	ref, err := name.ParseReference(s.Image, opts...)
	if err != nil {
		return listing{}, err
	}
	ropts := []remote.Option{remote.WithContext(ctx), remote.WithTransport(f.client.Transport)}
	desc, err := remote.Get(ref, ropts...)
	if err != nil {
		if terr, ok := err.(interface{ StatusCode() int }); ok && terr.StatusCode() == 404 {
			return listing{}, &statusError{s.Image, 404}
		}
		return listing{}, fmt.Errorf("oci %s: %v", s.Image, err)
	}
	tag := ref.Identifier()
	it := item{
		Version: tag,
		URL:     "oci://" + ref.Context().Name() + ":" + tag,
		Name:    strings.ReplaceAll(path.Base(ref.Context().RepositoryStr()), ":", "_") + "-" + tag + ".tar",
		Digest:  desc.Digest.String(),
		open: func(ctx context.Context) (io.ReadCloser, error) {
			img, err := desc.Image()
			if err != nil {
				return nil, err
			}
			pr, pw := io.Pipe()
			go func() { pw.CloseWithError(tarball.Write(ref, img, pw)) }()
			return pr, nil
		},
	}
	return listing{Items: []item{it}, Versions: []string{tag}}, nil
}
