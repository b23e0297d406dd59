/**
 * `query` as library calls: a question read from words (`who-connects
 * random_t`, `ability setuid:0`, ...; docs/query.md), answered from the one
 * grant model with the statements that grant it, and the answer printed as
 * the command prints it. Pure.
 */
import { visible } from '../diagnostics/safe-text';
import type { PolicyModel } from '../policy/model/types';
import { queryJson, queryMarkdown, querySummary, queryText } from '../render/query-output';
import {
  answerQuestion,
  parseQuestion,
  type QueryAnswer,
  type QuestionResult,
} from '../review/query';

/**
 * Reads a question: its words, as the command line gives them, or one
 * string split at blanks. `{ ok: false, error }` in words when it cannot be
 * read (the command's exit 2).
 */
export function readQuestion(question: string | readonly string[]): QuestionResult {
  return parseQuestion(typeof question === 'string' ? question.trim().split(/\s+/) : question);
}

/**
 * Answers a question about a policy (`buildModel`): each row a type with
 * the grants that answer it and their places. No row: nothing answers it
 * (the command's exit 1).
 */
export function queryPolicy(
  model: PolicyModel,
  question: Extract<QuestionResult, { ok: true }>['question'],
): QueryAnswer {
  return answerQuestion(model, question);
}

/** `query`'s text: one `FILE:LINE:COL: TYPE: GRANT` line per grant. */
export function formatAnswer(answer: QueryAnswer): string {
  return queryText(answer);
}

/** `query --format json` (schema `secpol-learn/query`); `files` are the policy's file names. */
export function formatAnswerJson(answer: QueryAnswer, files: readonly string[]): string {
  return queryJson(answer, [...files]);
}

/** `query --format markdown`. */
export function formatAnswerMarkdown(answer: QueryAnswer): string {
  return queryMarkdown(answer);
}

/** What `query` writes on standard error: its notes, then its one-line summary. */
export function formatAnswerSummary(answer: QueryAnswer): string {
  return (
    answer.notes.map((n) => `secpol-learn query: note: ${visible(n)}\n`).join('') +
    `secpol-learn query: ${querySummary(answer)}\n`
  );
}
