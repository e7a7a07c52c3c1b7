import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CohorteError } from '../messages/index.js';
import { studyDefinitionSchema, type StudyDefinition } from './definition.js';

/** Read and validate `study.json` from a study folder (or a path to the JSON file itself). */
export function loadStudyDefinition(path: string): { definition: StudyDefinition; file: string; text: string } {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'study.json') : path;
  if (!existsSync(file)) throw new CohorteError('file-not-found', `${file}: no study definition found; expected a study folder holding study.json.`, { file });
  const text = readFileSync(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CohorteError('bad-study-definition', `${file}: not valid JSON (${(e as Error).message}).`, { file });
  }
  const parsed = studyDefinitionSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(top level)'}: ${i.message}`).join('\n');
    throw new CohorteError('bad-study-definition', `${file}: the study definition is not valid:\n${problems}`, { file });
  }
  return { definition: parsed.data, file, text };
}
