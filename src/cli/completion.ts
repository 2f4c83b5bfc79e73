import type { Command, Option } from 'commander';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** One command of the table as completion needs it: its words, subcommands, options and whether it takes paths. */
interface Entry {
  path: string[];
  description: string;
  subcommands: Entry[];
  options: Option[];
  takesArguments: boolean;
}

/** The visible options of a command, the program's own (--color, --help) included: commander accepts them anywhere. */
function optionsOf(command: Command, program: Command): Option[] {
  const own = command.options.filter((option) => !option.hidden);
  const global = command === program ? [] : program.options.filter((option) => !option.hidden && !option.long?.startsWith('--version'));
  const help = command.createHelp().visibleOptions(command).filter((option) => option.long === '--help');
  const seen = new Set<string>();
  return [...own, ...global, ...help].filter((option) => {
    const key = option.long ?? option.short ?? option.flags;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The command table as a tree: walked from commander's own objects, so completion never drifts from the options. */
export function commandTree(program: Command, command: Command = program, path: string[] = []): Entry {
  return {
    path,
    description: command.description(),
    subcommands: command.commands.filter((sub) => !(sub as Command & { _hidden?: boolean })._hidden).map((sub) => commandTree(program, sub, [...path, sub.name()])),
    options: optionsOf(command, program),
    takesArguments: command.registeredArguments.length > 0,
  };
}

const flagsOf = (option: Option) => [option.short, option.long].filter((flag): flag is string => Boolean(flag));
const takesValue = (option: Option) => option.required || option.optional;
const firstSentence = (text: string) => text.split(/[.;(]/)[0]!.trim().slice(0, 70);
const all = (entry: Entry): Entry[] => [entry, ...entry.subcommands.flatMap(all)];

function bash(root: Entry): string {
  const key = (entry: Entry) => JSON.stringify(entry.path.join(' '));
  const cases = (body: (entry: Entry) => string) => all(root).map((entry) => `    ${key(entry)}) ${body(entry)} ;;`).join('\n');
  const choices = all(root).flatMap((entry) => entry.options.filter((option) => option.argChoices).flatMap((option) => flagsOf(option).map((flag) => `    ${JSON.stringify(`${entry.path.join(' ')}|${flag}`)}) echo ${JSON.stringify(option.argChoices!.join(' '))} ;;`)));
  return `# bash completion for pledge, generated from its command table by \`pledge completion bash\`.
# Load it with: source <(pledge completion bash)
_pledge_commands() {
  case "$1" in
${cases((entry) => `echo ${JSON.stringify(entry.subcommands.map((sub) => sub.path.at(-1)).join(' '))}`)}
  esac
}
_pledge_options() {
  case "$1" in
${cases((entry) => `echo ${JSON.stringify(entry.options.flatMap(flagsOf).join(' '))}`)}
  esac
}
_pledge_valued() {
  case "$1" in
${cases((entry) => `echo ${JSON.stringify(entry.options.filter(takesValue).flatMap(flagsOf).join(' '))}`)}
  esac
}
_pledge_choices() {
  case "$1|$2" in
${choices.join('\n')}
  esac
}
_pledge() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} path="" word sub i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    [[ $word == -* ]] && continue
    for sub in $(_pledge_commands "$path"); do
      if [[ $sub == "$word" ]]; then path=\${path:+$path }$word; break; fi
    done
  done
  local choices
  choices=$(_pledge_choices "$path" "$prev")
  if [[ -n $choices ]]; then COMPREPLY=($(compgen -W "$choices" -- "$cur")); return; fi
  if [[ " $(_pledge_valued "$path") " == *" $prev "* ]]; then COMPREPLY=($(compgen -f -- "$cur")); return; fi
  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$(_pledge_options "$path")" -- "$cur")); return; fi
  local subs
  subs=$(_pledge_commands "$path")
  if [[ -n $subs ]]; then COMPREPLY=($(compgen -W "$subs" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
}
complete -o filenames -F _pledge pledge
`;
}

/** Text inside a zsh _arguments spec, itself inside single quotes. */
const zshText = (text: string) => text.replace(/([[\]:\\])/g, '\\$1').replace(/'/g, `'\\''`);

function zshOption(option: Option): string {
  const flags = flagsOf(option);
  const value = takesValue(option) ? `:${zshText(option.attributeName())}:${option.argChoices ? `(${option.argChoices.join(' ')})` : '_files'}` : '';
  const spec = `[${zshText(firstSentence(option.description))}]${value}`;
  const repeat = option.variadic || /repeatable/.test(option.description) ? '*' : '';
  if (flags.length === 1) return `'${repeat}${flags[0]}${spec}'`;
  return repeat ? `'*'{${flags.join(',')}}'${spec}'` : `'(${flags.join(' ')})'{${flags.join(',')}}'${spec}'`;
}

function zsh(root: Entry): string {
  const name = (entry: Entry) => ['_pledge', ...entry.path].join('_').replace(/-/g, '_');
  const functions = all(root).map((entry) => {
    const options = entry.options.map(zshOption);
    if (!entry.subcommands.length) {
      return `${name(entry)}() {\n  _arguments -s \\\n    ${[...options, ...(entry.takesArguments ? [`'*:file:_files'`] : [])].join(' \\\n    ')}\n}`;
    }
    const described = entry.subcommands.map((sub) => `'${zshText(sub.path.at(-1)!)}:${zshText(firstSentence(sub.description))}'`).join(' ');
    const dispatch = entry.subcommands.map((sub) => `    ${sub.path.at(-1)}) ${name(sub)} ;;`).join('\n');
    return `${name(entry)}() {
  local -a commands=(${described})
  local context state state_descr line
  typeset -A opt_args
  _arguments -C \\
    ${[...options, `'1:command:->command'`, `'*::argument:->argument'`].join(' \\\n    ')}
  case $state in
    command) _describe command commands ;;
    argument)
      case $words[1] in
${dispatch}
      esac ;;
  esac
}`;
  });
  return `#compdef pledge
# zsh completion for pledge, generated from its command table by \`pledge completion zsh\`.
# Load it with: source <(pledge completion zsh), or save it as _pledge in a folder of $fpath.
${functions.join('\n\n')}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _pledge "$@"; else compdef _pledge pledge; fi
`;
}

/** Text inside a fish single-quoted string. */
const fishText = (text: string) => text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");

function fish(root: Entry): string {
  const lines: string[] = ['complete -c pledge -f'];
  for (const entry of all(root)) {
    const names = entry.subcommands.map((sub) => sub.path.at(-1)!).join(' ');
    const at = entry.path.length ? entry.path.map((word) => `__fish_seen_subcommand_from ${word}`).join('; and ') : '';
    // At this command: its words typed, none of its subcommands yet (at the top: no command yet).
    const deeper = names ? `not __fish_seen_subcommand_from ${names}` : '';
    const condition = entry.path.length ? [at, deeper].filter(Boolean).join('; and ') : '__fish_use_subcommand';
    for (const sub of entry.subcommands) lines.push(`complete -c pledge -n '${condition}' -a ${sub.path.at(-1)} -d '${fishText(firstSentence(sub.description))}'`);
    for (const option of entry.options) {
      const flags = [option.short ? `-s ${option.short.slice(1)}` : '', option.long ? `-l ${option.long.slice(2)}` : ''].filter(Boolean).join(' ');
      const value = option.argChoices ? ` -x -a '${option.argChoices.join(' ')}'` : takesValue(option) ? ' -r -F' : '';
      lines.push(`complete -c pledge -n '${condition}' ${flags}${value} -d '${fishText(firstSentence(option.description))}'`);
    }
    if (entry.takesArguments && !entry.subcommands.length && at) lines.push(`complete -c pledge -n '${at}' -F`);
  }
  return `# fish completion for pledge, generated from its command table by \`pledge completion fish\`.
# Load it with: pledge completion fish | source, or save it as ~/.config/fish/completions/pledge.fish
${lines.join('\n')}
`;
}

/** The completion script for `shell`, from the program's command table. */
export function completionScript(program: Command, shell: Shell): string {
  const root = commandTree(program);
  return shell === 'bash' ? bash(root) : shell === 'zsh' ? zsh(root) : fish(root);
}
