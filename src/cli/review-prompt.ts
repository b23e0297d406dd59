/**
 * The prompt layer of `secpol-learn review`: the only place with terminal
 * I/O for it. It shows each group (evidence, risk, what the policy and the
 * wrong-type heuristic say), reads one key and drives the pure session core
 * (src/review/session/); it decides nothing itself. Input comes from a
 * `Prompter`: @inquirer/prompts on a terminal, a script in tests.
 */
import type { Readable, Writable } from 'node:stream';
import type { PolicyModel } from '../policy/model/types';
import { allows } from '../policy/grants';
import { itemAccesses, type ReviewGroup } from '../review/session/groups';
import { alsoAllows, canEdit, readEdit } from '../review/session/edit';
import { policySays } from '../review/session/policy-says';
import {
  current,
  decide,
  pending,
  undo,
  type Choice,
  type SessionState,
} from '../review/session/session';
import { visible } from '../diagnostics/safe-text';
import { UsageError } from '../errors';

/** One key of the prompt. */
export interface KeyChoice {
  key: string;
  name: string;
}

/** Where answers come from. */
export interface Prompter {
  /** One of `keys` (the key letter). */
  key(message: string, keys: readonly KeyChoice[]): Promise<string>;
  /** A line of text (`def` when the answer is empty). */
  text(message: string, def?: string): Promise<string>;
}

/** The keys, in the order `--help` and docs/review.md list them. */
export const REVIEW_KEYS: readonly KeyChoice[] = [
  { key: 'a', name: 'allow as suggested' },
  { key: 'g', name: 'allow narrower or wider (edit the range, glob the path)' },
  { key: 't', name: 'launch as another type instead (on -T)' },
  { key: 'n', name: 'never: add a guard rule to the deny file' },
  { key: 'w', name: 'waive: add it to the waiver file with a reason and an expiry date' },
  { key: 'e', name: 'explain' },
  { key: 's', name: 'skip (ask again next time)' },
  { key: 'u', name: 'undo the last decision' },
  { key: 'q', name: 'save and quit' },
];

/** The keys once every group is decided: take the last decision back, or save. */
const LAST_KEYS: readonly KeyChoice[] = REVIEW_KEYS.filter((k) => k.key === 'u' || k.key === 'q');

/** What the session shows beside the core's groups. */
export interface PromptContext {
  prompter: Prompter;
  /** Where the prompts and group views go (standard error: standard output carries the patch). */
  out: Writable;
  /** The user's policy model, for "what the policy says" and the types `t` offers. */
  model?: PolicyModel;
  /** `--follow`: the session grows as the stream is read. */
  live?: LiveSession;
}

/** A session over a live stream (src/cli/review-live.ts). */
export interface LiveSession {
  /** The state over the latest plan, decisions kept. */
  refresh: (s: SessionState) => SessionState;
  /** Resolves with a state that has a group to ask about, or undefined when the stream ended. */
  wait: (s: SessionState) => Promise<SessionState | undefined>;
  /** The user quit: stop reading. */
  quit: () => void;
}

/** The types that already hold every access of the group (for `t`), the wrong-type hint's first. */
export function launchCandidates(
  state: SessionState,
  g: ReviewGroup,
  model: PolicyModel | undefined,
): string[] {
  const out: string[] = g.hint ? [g.hint.to] : [];
  if (model) {
    const change = state.patch.changes[g.items[0]!.change]!;
    const accesses = g.items.flatMap((r) =>
      itemAccesses(change, state.patch.changes[r.change]!.items[r.item]!.node),
    );
    for (const type of [...model.types.keys()].sort()) {
      if (type === g.key.type || out.includes(type)) continue;
      if (accesses.every((a) => allows(model, { ...a, type } as typeof a).allowed)) out.push(type);
    }
  }
  return out;
}

/** The lines that present a group. */
export function groupView(
  state: SessionState,
  g: ReviewGroup,
  model: PolicyModel | undefined,
): string {
  const index = state.groups.indexOf(g) + 1;
  const first = g.evidence.firstFailure ?? g.evidence.first;
  const who = g.processes.join(', ') + (g.moreProcesses > 0 ? ` and ${g.moreProcesses} more` : '');
  const lines = [
    '',
    `[${index}/${state.groups.length}] ${g.key.type} needs ${g.suggested} (${g.key.kind}${g.key.domain ? `, ${g.key.domain}` : ''})`,
    `  needed by: ${who}: ${g.evidence.failures} denied, first ${first.file}:${first.line}`,
    `  policy:    ${policySays(g, state.patch.changes, model)}`,
    `  risk:      ${g.risk ? `${g.risk.severity}: ${g.risk.reason}` : 'none flagged'}`,
  ];
  if (g.hint)
    lines.push(
      `  hint:      ${g.hint.process} did this as ${g.hint.to}: launch it with \`on -T ${g.hint.to} ...\` rather than widen ${g.key.type}`,
    );
  return `${lines.map(visible).join('\n')}\n`;
}

/** `e`: the evidence in full. */
function explainView(g: ReviewGroup): string {
  const e = g.evidence;
  const lines = [
    `  record:    ${e.sample}`,
    `  seen:      ${e.first.file}:${e.first.line} .. ${e.last.file}:${e.last.line}; ${e.failures} denied, ${e.successes} allowed`,
    `  pids:      ${e.pids.join(' ')}${e.morePids ? ' ...' : ''}`,
    `  rule:      the suggestion adds \`${g.suggested}\` to ${g.key.type}'s ${g.key.kind} rules`,
  ];
  return `${lines.map(visible).join('\n')}\n`;
}

/** Runs the prompts until every group is decided or the user quits; returns the final state. */
export async function runPrompts(start: SessionState, ctx: PromptContext): Promise<SessionState> {
  try {
    return await promptLoop(start, ctx);
  } finally {
    ctx.live?.quit();
  }
}

/** Ctrl-C or Ctrl-D at a prompt (@inquirer/prompts' ExitPromptError): quit, keeping the decisions. */
function isExit(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'ExitPromptError';
}

async function promptLoop(start: SessionState, ctx: PromptContext): Promise<SessionState> {
  let state = start;
  const say = (line: string): void => void ctx.out.write(`${visible(line)}\n`);
  for (;;) {
    if (ctx.live) state = ctx.live.refresh(state);
    const g = current(state);
    if (!g && ctx.live) {
      say(`  waiting for new failures (Ctrl-C: stop)`);
      const next = await ctx.live.wait(state);
      if (!next) return state;
      state = next;
      continue;
    }
    if (!g) {
      if (ctx.live || state.decisions.length === 0) return state;
      // Everything is decided: the last decision can still be taken back before saving.
      let key: string;
      try {
        key = await ctx.prompter.key('nothing left to ask; your choice', LAST_KEYS);
      } catch (error) {
        if (isExit(error)) return state;
        throw error;
      }
      if (key !== 'u') return state;
      say('  undone');
      state = undo(state);
      continue;
    }
    try {
      state = await askOne(state, g, ctx, say);
    } catch (error) {
      if (error === QUIT || isExit(error)) return state;
      throw error;
    }
  }
}

const QUIT: unique symbol = Symbol('quit');

/** Asks about one group; the new state (throws QUIT on `q`). */
async function askOne(
  state: SessionState,
  g: ReviewGroup,
  ctx: PromptContext,
  say: (line: string) => void,
): Promise<SessionState> {
  ctx.out.write(groupView(state, g, ctx.model));
  const keys = REVIEW_KEYS.filter(
    (k) => (k.key !== 'g' || canEdit(g)) && (k.key !== 'u' || state.decisions.length > 0),
  );
  const key = await ctx.prompter.key(`${pending(state).length} to decide; your choice`, keys);
  let choice: Choice | undefined;
  switch (key) {
    case 'a':
      choice = { choice: 'allow' };
      break;
    case 'g': {
      const edit = await ctx.prompter.text(
        `edit ${g.suggested} (an ability's values: 0-1000, 0x10,0x20; a path: /dev/ttyp*, /tmp/...)`,
      );
      const r = readEdit(g, edit);
      if ('error' in r) {
        say(`  not taken: ${r.error}`);
        break;
      }
      const also = alsoAllows(g, state.groups, state.patch.changes, r.node);
      if (!also.coversSuggestion)
        say(`  note: the edited item does not allow everything the traces needed (${g.suggested})`);
      if (also.extraValues.length > 0) say(`  also allows values: ${also.extraValues.join(', ')}`);
      if (also.groups.length > 0) say(`  also allows: ${also.groups.join('; ')}`);
      if (also.extraValues.length === 0 && also.groups.length === 0)
        say('  allows nothing else the traces show');
      const ok = await ctx.prompter.key('take this edit?', [
        { key: 'y', name: 'yes' },
        { key: 'n', name: 'no' },
      ]);
      if (ok === 'y') choice = { choice: 'allow-edited', edit };
      break;
    }
    case 't': {
      const types = launchCandidates(state, g, ctx.model);
      if (types.length === 0) {
        say(`  no other type does this: give it a type with \`on -T TYPE\` and allow it there`);
        break;
      }
      say(`  types that do this already: ${types.join(', ')}`);
      const process = g.hint?.process ?? g.processes[0] ?? '';
      const as = await ctx.prompter.text(`launch ${process} as`, types[0]);
      choice = { choice: 'launch-as', process, as };
      break;
    }
    case 'n':
      choice = { choice: 'never' };
      break;
    case 'w': {
      const reason = await ctx.prompter.text('reason (why this failure is harmless)');
      const until = await ctx.prompter.text('until (YYYY-MM-DD, empty for none)', '');
      choice = { choice: 'waive', reason, ...(until.trim() ? { until: until.trim() } : {}) };
      break;
    }
    case 'e':
      ctx.out.write(explainView(g));
      break;
    case 's':
      choice = { choice: 'skip' };
      break;
    case 'u':
      say('  undone');
      return undo(state);
    case 'q':
      throw QUIT;
    default:
      say(`  ${key}: not a key of this prompt`);
  }
  if (choice) {
    const r = decide(state, g.id, choice);
    if ('error' in r) say(`  not taken: ${r.error}`);
    else return r.state;
  }
  return state;
}

/** The part of @inquirer/prompts this layer uses (loaded on first use: an ES module). */
interface Inquirer {
  expand: (
    config: { message: string; choices: Array<{ key: string; name: string; value: string }> },
    context: { input: Readable; output: Writable; clearPromptOnDone?: boolean },
  ) => Promise<string>;
  input: (
    config: { message: string; default?: string },
    context: { input: Readable; output: Writable },
  ) => Promise<string>;
}

/**
 * A prompter over @inquirer/prompts reading `input` (a terminal) and writing
 * `output`. @inquirer/prompts is an ES module, which `require` loads from
 * Node.js 20.19 on (`process.features.require_module`); on an older Node this
 * refuses with a UsageError (exit 2, in words) before any trace is read,
 * pointing at the replay (`--answers FILE --no-interactive`), which needs no
 * prompt. package.json's `engines` says `>=20.19` for the same reason.
 */
export function inquirerPrompter(input: Readable, output: Writable): Prompter {
  const features = process.features as { require_module?: boolean };
  if (features.require_module !== true)
    throw new UsageError(
      `the interactive review needs Node.js 20.19 or later, which loads ES modules with require (this is Node.js ${process.versions.node}); replay recorded answers with --answers FILE --no-interactive`,
    );
  let lib: Inquirer | undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- an ES module, loaded only for a session
  const load = (): Inquirer => (lib ??= require('@inquirer/prompts') as Inquirer);
  return {
    key: (message, keys) =>
      load().expand(
        { message, choices: keys.map((k) => ({ key: k.key, name: k.name, value: k.key })) },
        { input, output },
      ),
    text: (message, def) =>
      load().input({ message, ...(def !== undefined ? { default: def } : {}) }, { input, output }),
  };
}
