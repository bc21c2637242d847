import { GeneratorError } from './errors';
import type { ParamsGenerator } from './context';
import type { Params } from '../params';
import { parseGoYaml } from '../template/go/goYaml';
import { fromJsonValue, isGoMap } from '../template/go/values';
import type { ListGenerator } from '../types';

/**
 * The list generator: each element is a parameter set. With fasttemplate
 * every value must be a string (`values` a map of strings, giving
 * `values.<key>`); with goTemplate the element is used as it is.
 * `elementsYaml` elements are appended unchanged in both modes.
 */
export const listParams: ParamsGenerator<ListGenerator> = async (spec, run) => {
  const result: Params[] = [];
  (spec.elements ?? []).forEach((raw, index) => {
    const element = fromJsonValue(raw);
    if (!isGoMap(element)) {
      throw new GeneratorError(
        run.path,
        `element ${index + 1} is not an object of parameters`,
      );
    }
    if (run.mode.goTemplate) {
      result.push(element);
      return;
    }
    const params: Params = {};
    for (const [key, value] of Object.entries(element)) {
      if (key === 'values') {
        if (!isGoMap(value)) {
          throw new GeneratorError(
            run.path,
            `element ${
              index + 1
            }: error parsing values map: values must be a map of strings`,
          );
        }
        for (const [valueKey, valueValue] of Object.entries(value)) {
          if (typeof valueValue !== 'string') {
            throw new GeneratorError(
              run.path,
              `element ${
                index + 1
              }: error parsing value as string: values.${valueKey} is not a string (quote it, or use goTemplate: true)`,
            );
          }
          params[`values.${valueKey}`] = valueValue;
        }
      } else if (typeof value !== 'string') {
        throw new GeneratorError(
          run.path,
          `element ${
            index + 1
          }: error parsing value as string: '${key}' is not a string (quote it, or use goTemplate: true)`,
        );
      } else {
        params[key] = value;
      }
    }
    result.push(params);
  });
  if (spec.elementsYaml) {
    let parsed;
    try {
      parsed = parseGoYaml(spec.elementsYaml);
    } catch (error) {
      throw new GeneratorError(
        run.path,
        `error unmarshling decoded ElementsYaml: ${(error as Error).message}`,
      );
    }
    if (
      parsed !== null &&
      (!Array.isArray(parsed) || parsed.some(e => !isGoMap(e) && e !== null))
    ) {
      throw new GeneratorError(
        run.path,
        'error unmarshling decoded ElementsYaml: elementsYaml must be a YAML list of objects',
      );
    }
    for (const element of (parsed ?? []) as Params[]) {
      result.push(element ?? {});
    }
  }
  return result;
};
