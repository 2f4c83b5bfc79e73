import type { Command } from 'commander';

const OFF = /^(0|false|no|off)$/i;

/**
 * PLEDGE_* variables as CI jobs set them: an empty one is as unset (a workflow passes '' for an
 * input left out, as pledge's own Action did for PLEDGE_CONFIG and PLEDGE_CHANGED_SINCE), and a
 * switch (PLEDGE_OFFLINE) set to 0, false, no or off is off. Commander's Option.env() reads
 * process.env and takes a switch's variable, whatever its value, as on: such variables are
 * removed from `env` before the arguments are parsed.
 */
export function dropUnsetVariables(program: Command, env: NodeJS.ProcessEnv = process.env): void {
  const visit = (command: Command) => {
    for (const option of command.options) {
      const name = option.envVar;
      const value = name === undefined ? undefined : env[name]?.trim();
      if (value === undefined) continue;
      const isSwitch = !option.required && !option.optional;
      if (value === '' || (isSwitch && OFF.test(value))) delete env[name!];
    }
    command.commands.forEach(visit);
  };
  visit(program);
}
