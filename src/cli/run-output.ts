/**
 * Terminal escape sequences: CSI (colours, cursor moves: `ESC [ … final`), OSC (titles and
 * hyperlinks: `ESC ] … BEL` or `ESC ] … ESC \`) and the two-byte ones. Removed only from the copy
 * that is matched, never from what is passed through.
 */
// eslint-disable-next-line no-control-regex -- matching the ESC and BEL control characters is the point
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;

/** How much of one line is kept for matching: a line of a gigabyte without a newline must not fill memory. */
export const MAX_MATCHED_LINE_BYTES = 64 * 1024;

const NEWLINE = 0x0a;

export const stripAnsi = (text: string) => text.replace(ANSI, '');

/** Lines written and how many of them match the error pattern, over all the streams of one command. */
export type OutputTally = {
  lines: number;
  errors: number;
  /** One line splitter per stream: lines never mix across stdout and stderr. */
  stream(): LineSplitter;
};

export type LineSplitter = {
  /** Bytes as the stream gave them; a line may be split across chunks anywhere. */
  push(chunk: Buffer): void;
  /** The stream ended: a last line without a newline still counts. */
  end(): void;
};

/**
 * Counts lines (a line ends with \n; a last one without it counts too) and matches each, without
 * escape sequences and a trailing \r, against the pattern. Each stream keeps its unfinished
 * line, capped at MAX_MATCHED_LINE_BYTES, until its newline arrives.
 */
export function createOutputTally(pattern: RegExp): OutputTally {
  const tally: OutputTally = { lines: 0, errors: 0, stream };

  function finishLine(bytes: Buffer): void {
    tally.lines += 1;
    // A \n never occurs inside a multi-byte UTF-8 character, so a whole line decodes cleanly
    // (unless the cap cut its last character, which then decodes as U+FFFD).
    const text = stripAnsi(bytes.toString('utf8')).replace(/\r$/, '');
    if (pattern.test(text)) tally.errors += 1;
  }

  function stream(): LineSplitter {
    let kept: Buffer[] = [];
    let keptBytes = 0;
    let open = false;

    const keep = (part: Buffer) => {
      if (part.length === 0) return;
      open = true;
      const room = MAX_MATCHED_LINE_BYTES - keptBytes;
      if (room <= 0) return;
      const piece = part.length > room ? part.subarray(0, room) : part;
      // A copy: the stream may reuse the chunk's memory.
      kept.push(Buffer.from(piece));
      keptBytes += piece.length;
    };
    const close = (tail: Buffer) => {
      keep(tail);
      finishLine(kept.length === 1 ? (kept[0] as Buffer) : Buffer.concat(kept));
      kept = [];
      keptBytes = 0;
      open = false;
    };

    return {
      push(chunk) {
        let start = 0;
        for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
          const tail = chunk.subarray(start, nl);
          if (open) close(tail);
          else finishLine(tail.length > MAX_MATCHED_LINE_BYTES ? tail.subarray(0, MAX_MATCHED_LINE_BYTES) : tail);
          start = nl + 1;
        }
        keep(chunk.subarray(start));
      },
      end() {
        if (open) close(Buffer.alloc(0));
      },
    };
  }

  return tally;
}
