#!/bin/sh
# Copies GraphiQL's browser assets from web/ (after `npm ci`) into DEST, the directory the
# gateway serves at /static/graphiql. Fails, naming every missing file, before copying any.
set -eu

if [ "$#" -ne 1 ]; then
    echo "usage: $0 DEST" >&2
    exit 2
fi
dest=$1
web=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)

# Each line: a source under web/, then the name it gets in DEST.
assets='node_modules/graphiql/graphiql.min.js graphiql.min.js
node_modules/graphiql/graphiql.min.css graphiql.min.css
node_modules/react/umd/react.production.min.js react.production.min.js
node_modules/react-dom/umd/react-dom.production.min.js react-dom.production.min.js
graphiql-init.js graphiql-init.js
node_modules/graphiql/LICENSE LICENSE.graphiql
node_modules/react/LICENSE LICENSE.react
node_modules/react-dom/LICENSE LICENSE.react-dom'

missing=0
while read -r src name; do
    if [ ! -f "$web/$src" ]; then
        echo "copy-assets: missing $web/$src" >&2
        missing=1
    fi
done <<EOF_ASSETS
$assets
EOF_ASSETS
if [ "$missing" -ne 0 ]; then
    echo "copy-assets: node_modules/ comes from 'npm ci' in web/" >&2
    exit 1
fi

mkdir -p -- "$dest"
while read -r src name; do
    cp -- "$web/$src" "$dest/$name"
done <<EOF_ASSETS
$assets
EOF_ASSETS
echo "copy-assets: GraphiQL assets copied into $dest"
