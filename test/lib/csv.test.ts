import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvCell, csvHeader, csvRow, toCsv } from '../../src/lib/csv.js';

test('plain cells pass through; null and undefined are empty; booleans and numbers as text', () => {
  assert.equal(csvRow(['Read', 12, null, undefined, true, false, 0.5]), 'Read,12,,,true,false,0.5\r\n');
  assert.equal(csvCell(Number.NaN), '');
});

test('RFC 4180: commas, quotes, CR and LF are quoted, quotes doubled', () => {
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('line1\nline2'), '"line1\nline2"');
  assert.equal(csvCell('x\ry'), '"x\ry"');
  assert.equal(csvCell(''), '');
});

test('text starting with = + - @ tab or CR is prefixed with a single quote', () => {
  assert.equal(csvCell('=1+1'), "'=1+1");
  assert.equal(csvCell('+1'), "'+1");
  assert.equal(csvCell('-1'), "'-1");
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell('\tx'), "'\tx");
  assert.equal(csvCell('\rx'), `"'\rx"`);
  assert.equal(csvCell('=HYPERLINK("a","b")'), `"'=HYPERLINK(""a"",""b"")"`);
  assert.equal(csvCell('a=b'), 'a=b', 'only the first character matters');
});

test('numbers stay numbers, negative ones included', () => {
  assert.equal(csvCell(-3.5), '-3.5');
});

test('header and whole documents', () => {
  assert.equal(csvHeader(['toolName', 'calls']), 'toolName,calls\r\n');
  assert.equal(toCsv(['toolName', 'calls'], [{ toolName: 'Bash', calls: 2 }, { toolName: '-rf', calls: 1 }]), "toolName,calls\r\nBash,2\r\n'-rf,1\r\n");
});
