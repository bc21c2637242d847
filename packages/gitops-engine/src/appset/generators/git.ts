import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { flattenDotStyle, type Params, stringifyParam } from '../params';
import { sanitizeName } from '../names';
import { parseGoYaml } from '../template/go/goYaml';
import { goStringSlice, isGoMap } from '../template/go/values';
import type { GitGenerator } from '../types';
import type { GeneratorRun, ParamsGenerator } from './context';
import { GeneratorError } from './errors';
import {
  byteOrder,
  compileDoublestar,
  compileGitPathspec,
  compileGoPathMatch,
  GitPathPatternError,
  listDirectories,
  listFiles,
} from './gitPaths';
import { appendValues } from './values';

function describeSource(spec: GitGenerator): string {
  return `repository ${spec.repoURL} at revision ${spec.revision || 'HEAD'}`;
}

async function checkout(
  spec: GitGenerator,
  run: GeneratorRun,
): Promise<string> {
  if (!run.context.gitCheckout) {
    throw new GeneratorError(
      run.path,
      `no Git checkout port was supplied, so ${describeSource(
        spec,
      )} cannot be read`,
    );
  }
  try {
    return await run.context.gitCheckout(spec.repoURL, spec.revision || 'HEAD');
  } catch (error) {
    throw new GeneratorError(
      run.path,
      `cannot read ${describeSource(spec)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function compile<T>(
  pattern: string,
  compiler: (p: string) => T,
  run: GeneratorRun,
  spec: GitGenerator,
): T {
  try {
    return compiler(pattern);
  } catch (error) {
    if (error instanceof GitPathPatternError) {
      throw new GeneratorError(
        run.path,
        `${error.message} (in ${describeSource(spec)})`,
      );
    }
    throw error;
  }
}

/** Path parameters of a directory or of a file's directory, flat or nested, with `pathParamPrefix`. */
function pathParams(
  directory: string,
  file: string | undefined,
  prefix: string | undefined,
  goTemplate: boolean,
): Params {
  const basename = posix.basename(directory) || directory;
  if (goTemplate) {
    const path: Params = { path: directory, basename };
    if (file !== undefined) path.filename = posix.basename(file);
    path.basenameNormalized = sanitizeName(basename);
    if (file !== undefined)
      path.filenameNormalized = sanitizeName(posix.basename(file));
    path.segments = goStringSlice(directory.split('/'));
    return prefix ? { [prefix]: { path } } : { path };
  }
  const name = prefix ? `${prefix}.path` : 'path';
  const params: Params = {
    [name]: directory,
    [`${name}.basename`]: basename,
    [`${name}.basenameNormalized`]: sanitizeName(basename),
  };
  if (file !== undefined) {
    params[`${name}.filename`] = posix.basename(file);
    params[`${name}.filenameNormalized`] = sanitizeName(posix.basename(file));
  }
  directory.split('/').forEach((segment, index) => {
    if (segment !== '') params[`${name}[${index}]`] = segment;
  });
  return params;
}

async function directoryParams(
  spec: GitGenerator,
  run: GeneratorRun,
): Promise<Params[]> {
  const items = (spec.directories ?? []).map(item => ({
    exclude: Boolean(item.exclude),
    regex: compile(item.path, compileGoPathMatch, run, spec),
  }));
  const root = await checkout(spec, run);
  let directories: string[];
  try {
    directories = await listDirectories(
      root,
      run.context.includeHiddenDirectories,
    );
  } catch (error) {
    throw new GeneratorError(
      run.path,
      `cannot list the directories of ${describeSource(spec)}: ${
        (error as Error).message
      }`,
    );
  }
  // Any matching exclude item removes a path, whatever the order of the items.
  const selected = directories.filter(
    directory =>
      items.some(item => !item.exclude && item.regex.test(directory)) &&
      !items.some(item => item.exclude && item.regex.test(directory)),
  );
  return selected.map(directory =>
    appendValues(
      spec.values,
      pathParams(
        directory,
        undefined,
        spec.pathParamPrefix,
        run.mode.goTemplate,
      ),
      run.mode,
    ),
  );
}

function parseFile(text: string): Params[] {
  const value = parseGoYaml(text);
  if (value === null) {
    return [{}];
  }
  if (isGoMap(value)) {
    return [value];
  }
  if (Array.isArray(value)) {
    return value.map((element, index) => {
      if (element === null) return {};
      if (!isGoMap(element)) {
        throw new Error(
          `unable to parse file: item ${
            index + 1
          } of the list is not an object`,
        );
      }
      return element;
    });
  }
  throw new Error(
    'unable to parse file: it holds neither an object nor a list of objects',
  );
}

async function fileParams(
  spec: GitGenerator,
  run: GeneratorRun,
): Promise<Params[]> {
  const doublestar = run.context.gitFileGlobbing === 'doublestar';
  const matchers = (spec.files ?? []).map(item => {
    if (doublestar) {
      const regex = compile(item.path, compileDoublestar, run, spec);
      return {
        exclude: Boolean(item.exclude),
        test: (path: string) => regex.test(path),
      };
    }
    return {
      exclude: Boolean(item.exclude),
      test: compile(item.path, compileGitPathspec, run, spec),
    };
  });
  const root = await checkout(spec, run);
  let files: string[];
  try {
    files = await listFiles(root);
  } catch (error) {
    throw new GeneratorError(
      run.path,
      `cannot list the files of ${describeSource(spec)}: ${
        (error as Error).message
      }`,
    );
  }
  const selected = files
    .filter(
      file =>
        matchers.some(m => !m.exclude && m.test(file)) &&
        !matchers.some(m => m.exclude && m.test(file)),
    )
    .sort(byteOrder);
  const result: Params[] = [];
  for (const file of selected) {
    let objects: Params[];
    try {
      objects = parseFile(await readFile(posix.join(root, file), 'utf8'));
    } catch (error) {
      throw new GeneratorError(
        run.path,
        `unable to process file '${file}' from repository '${
          spec.repoURL
        }' at revision ${spec.revision || 'HEAD'}: ${(error as Error).message}`,
      );
    }
    const directory = posix.dirname(file);
    for (const object of objects) {
      let params: Params;
      if (run.mode.goTemplate) {
        params = {
          ...object,
          ...pathParams(directory, file, spec.pathParamPrefix, true),
        };
      } else {
        params = {};
        for (const [key, value] of flattenDotStyle(object)) {
          params[key] = stringifyParam(value);
        }
        Object.assign(
          params,
          pathParams(directory, file, spec.pathParamPrefix, false),
        );
      }
      result.push(appendValues(spec.values, params, run.mode));
    }
  }
  return result;
}

/**
 * The Git generator over a checkout the caller supplies: `directories`
 * (Go path.Match, exclude items win) or `files` (JSON/YAML flattened with
 * dots, lists giving one set per element, files in path order).
 */
export const gitParams: ParamsGenerator<GitGenerator> = async (spec, run) => {
  if ((spec.directories ?? []).length > 0) {
    return directoryParams(spec, run);
  }
  if ((spec.files ?? []).length > 0) {
    return fileParams(spec, run);
  }
  throw new GeneratorError(run.path, 'set directories or files');
};
