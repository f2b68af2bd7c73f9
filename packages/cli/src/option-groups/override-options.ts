/**
 * The preset override flags (`--steps`, `--lr`, `--n-layer`, `--activation`, …), built from
 * `overrideFields`, the experiment runner's one list of what a preset lets you change: a field added
 * there is a flag here, with its parser chosen by the kind of its value.
 */
import { Option, type Command } from 'commander';
import { overrideFields, type Overrides } from '@normfree/experiment';
import { overrideValueParsers } from '../option-parsers.js';

/** The commander attribute of each override flag (`--grad-accum` → `gradAccum`) and its key in `Overrides`. */
const overrideAttributes = overrideFields.map((field) => ({
  field,
  attribute: new Option(field.flag).attributeName(),
}));

/** Add one option per override field to `command`, in `overrideFields` order. */
export function addOverrideOptions(command: Command): Command {
  for (const { field } of overrideAttributes) {
    const option = new Option(field.flag, field.description);
    command.addOption(field.value === 'flag' ? option : option.argParser(overrideValueParsers[field.value]));
  }
  return command;
}

/** The overrides given on the command line; the activation is still text (`commands/run-inputs.ts` reads it). */
export function overridesFrom(flags: Record<string, unknown>): Overrides & { activation?: unknown } {
  return Object.fromEntries(
    overrideAttributes
      .filter(({ attribute }) => flags[attribute] !== undefined)
      .map(({ field, attribute }) => [field.key, flags[attribute]]),
  );
}
