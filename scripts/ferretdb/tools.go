//go:build tools

// Package build pins the FerretDB server that Parley embeds for development and
// tests. It is never compiled on its own: scripts/ferretdb.mjs vendors this
// module, patches the vendored copy and builds cmd/ferretdb from it.
package build

import _ "github.com/FerretDB/FerretDB/cmd/ferretdb"
