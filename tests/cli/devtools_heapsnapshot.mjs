// Loads .heapsnapshot files with Chrome DevTools' own heap snapshot code, as packaged by the npm
// package heap-snapshot-toolkit, and prints what its Summary and Comparison views would show as one
// JSON object on stdout, for tst_cli_export.
//   node devtools_heapsnapshot.mjs TOOLKIT_DIR A.heapsnapshot [B.heapsnapshot]
// TOOLKIT_DIR is the package's folder (node_modules/heap-snapshot-toolkit). "unreachable" counts the
// nodes DevTools' distance search from the root does not reach (it gives them no distance, and
// reports them as a broken snapshot).
import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const [toolkitDir, first, second] = process.argv.slice(2)
const toolkit = await import(pathToFileURL(join(toolkitDir, 'index.js')).href)

// DevTools' marker for a node without a distance (HeapSnapshot's #noDistance).
const kNoDistance = -5

function summary (snapshot) {
  const classes = {}
  for (const [name, aggregate] of Object.entries(snapshot.aggregatesWithFilter({}))) {
    classes[name.split(',').pop()] = { count: aggregate.count, distance: aggregate.distance, self: aggregate.self }
  }
  const unreachable = snapshot.nodeDistances.filter(distance => distance === kNoDistance).length
  return { nodeCount: snapshot.nodeCount, totalSize: snapshot.totalSize, unreachable, classes }
}

const a = await toolkit.parse(createReadStream(first, 'utf-8'))
const result = { a: summary(a) }
if (second) {
  const b = await toolkit.parse(createReadStream(second, 'utf-8'))
  result.b = summary(b)
  const diff = await toolkit.diff(a, b)
  result.diff = {}
  for (const entry of Object.values(diff)) {
    result.diff[entry.name] = { added: entry.addedCount, removed: entry.removedCount }
  }
}
process.stdout.write(JSON.stringify(result) + '\n')
