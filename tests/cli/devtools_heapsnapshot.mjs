// Loads .heapsnapshot files with Chrome DevTools' own heap snapshot code, as packaged by the npm
// package heap-snapshot-toolkit, and prints what its Summary and Comparison views would show as one
// JSON object on stdout, for tst_cli_export.
//   node devtools_heapsnapshot.mjs TOOLKIT_DIR A.heapsnapshot [B.heapsnapshot]
// TOOLKIT_DIR is the package's folder (node_modules/heap-snapshot-toolkit). Warnings DevTools logs
// while it builds a snapshot (nodes unreachable from the root...) are collected in "warnings".
import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const [toolkitDir, first, second] = process.argv.slice(2)
const toolkit = await import(pathToFileURL(join(toolkitDir, 'index.js')).href)

const warnings = []
console.warn = (...parts) => warnings.push(parts.join(' '))

function summary (snapshot) {
  const classes = {}
  for (const [name, aggregate] of Object.entries(snapshot.aggregatesWithFilter({}))) {
    classes[name.split(',').pop()] = { count: aggregate.count, distance: aggregate.distance, self: aggregate.self }
  }
  return { nodeCount: snapshot.nodeCount, totalSize: snapshot.totalSize, classes }
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
result.warnings = warnings
process.stdout.write(JSON.stringify(result) + '\n')
