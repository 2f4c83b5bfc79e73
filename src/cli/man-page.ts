import type { Command, Option } from 'commander';
import { commandTree } from './completion.js';

/** Text for a roff line: backslashes, dashes, and a leading dot or quote (a roff request) made literal. */
const roff = (text: string) =>
  text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');

function optionItem(option: Option): string {
  const [flags, value] = [option.flags.replace(/\s*[<[].*$/, ''), /[<[].*$/.exec(option.flags)?.[0]];
  const env = option.envVar ? ` (environment: ${option.envVar})` : '';
  const choices = option.argChoices ? ` (one of: ${option.argChoices.join(', ')})` : '';
  return `.TP\n.B ${roff(flags)}${value ? ` \\fI${roff(value)}\\fR` : ''}\n${roff(option.description)}${roff(choices)}${roff(env)}`;
}

/**
 * pledge(1) in roff, from the command table: every command with its usage, description and
 * options (and their PLEDGE_* variables), then the exit codes. No date, so it is reproducible.
 */
export function manPage(program: Command, exitCodes: string): string {
  const entries = (function all(entry: ReturnType<typeof commandTree>): ReturnType<typeof commandTree>[] {
    return [entry, ...entry.subcommands.flatMap(all)];
  })(commandTree(program));
  const [root, ...commands] = entries;
  const commandOf = (path: string[]) => path.reduce<Command>((command, name) => command.commands.find((sub) => sub.name() === name)!, program);
  const sections = commands.map((entry) => {
    const command = commandOf(entry.path);
    return [`.SS "pledge ${roff(entry.path.join(' '))} ${roff(command.usage())}"`, roff(entry.description), ...entry.options.map(optionItem)].join('\n');
  });
  const variables = new Map(entries.flatMap((entry) => entry.options.filter((option) => option.envVar).map((option) => [option.envVar!, option.long ?? option.flags] as const)));
  return `.TH PLEDGE 1 "" "pledge ${roff(program.version() ?? '')}" "User Commands"
.SH NAME
pledge \\- ${roff(program.description())}
.SH SYNOPSIS
.B pledge
\\fIcommand\\fR [\\fIoptions\\fR] [\\fIarguments\\fR]
.SH OPTIONS
${root!.options.map(optionItem).join('\n')}
.SH COMMANDS
${sections.join('\n')}
.SH ENVIRONMENT
.TP
.B NO_COLOR
Set to anything but the empty string: no colour (no\\-color.org).
.TP
.B FORCE_COLOR
0 or false: no colour; 1 to 3 (or empty): colour even when not a terminal.
.TP
.B XDG_CACHE_HOME
Where the key cache goes (its pledge folder).
${[...variables].sort(([a], [b]) => a.localeCompare(b)).map(([name, flag]) => `.TP\n.B ${roff(name)}\nAs ${roff(flag)}; an empty value is as unset, and a switch set to 0, false, no or off is off.`).join('\n')}
.SH EXIT STATUS
.nf
${roff(exitCodes.trim())}
.fi
`;
}
