// The `cohorte` command: thin. It parses arguments and calls the library; no logic of its own.
import { parseArgs } from 'node:util';
import { CohorteError } from '../messages/index.js';
import { commands } from './commands.js';

const usage = `usage: cohorte <command> [options]

commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run 'cohorte <command> --help' for the options of a command.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`cohorte: unknown command '${name}'.\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true });
  if (values.help) {
    console.log(`cohorte ${name}: ${command.summary}\n\n${command.help}`);
    return 0;
  }
  return command.run(values as Record<string, string | boolean | undefined>, positionals);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  // A user error gets its message, never a stack trace; anything else is a bug and keeps its stack.
  if (e instanceof CohorteError) {
    console.error(`cohorte: ${e.message}`);
    process.exitCode = 1;
  } else if (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`cohorte: ${e.message}`);
    process.exitCode = 2;
  } else {
    throw e;
  }
}
