import cases from './__fixtures__/go-template-cases.json';
import { executeGoTemplate, parseGoTemplateOptions } from '.';
import { fromJsonValue } from './values';

interface RecordedCase {
  template: string;
  data?: unknown;
  options?: string[];
  output?: string;
  error?: string;
}

function run(testCase: RecordedCase): { output?: string; error?: string } {
  try {
    return {
      output: executeGoTemplate(
        testCase.template,
        fromJsonValue(testCase.data ?? {}),
        parseGoTemplateOptions(testCase.options),
      ),
    };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('Go text/template with sprig, against what Go printed', () => {
  it.each((cases as RecordedCase[]).map(c => [c.template, c] as const))(
    '%s',
    (_name, testCase) => {
      const expected =
        testCase.error !== undefined
          ? { error: testCase.error }
          : { output: testCase.output };
      expect(run(testCase)).toEqual(expected);
    },
  );
});

describe('Go template features newer than the recording Go', () => {
  it('ranges over an integer (Go 1.22)', () => {
    expect(executeGoTemplate('{{ range $i := 3 }}{{ $i }}{{ end }}', {})).toBe(
      '012',
    );
    expect(executeGoTemplate('{{ range 0 }}x{{ else }}none{{ end }}', {})).toBe(
      'none',
    );
  });

  it('chains else with (Go 1.23)', () => {
    const template =
      '{{ with .missing }}has{{ else with .present }}present:{{ . }}{{ else }}none{{ end }}';
    expect(executeGoTemplate(template, { present: 'p' })).toBe('present:p');
    expect(executeGoTemplate(template, {})).toBe('none');
  });

  it('formats dates with Go layouts', () => {
    expect(
      executeGoTemplate(
        '{{ dateInZone "2006-01-02T15:04:05Z07:00 Mon Jan _2 03PM" 1700000000 "UTC" }}',
        {},
      ),
    ).toBe('2023-11-14T22:13:20Z Tue Nov 14 10PM');
    expect(executeGoTemplate('{{ now | unixEpoch | len }}', {})).toBe('10');
  });

  it('refuses unknown template options', () => {
    expect(() => parseGoTemplateOptions(['missingkey=panic'])).toThrow(
      "goTemplateOptions entry 'missingkey=panic' is not a text/template option",
    );
  });

  it('caches a parse error and reports it each time', () => {
    for (let i = 0; i < 2; i++) {
      expect(() => executeGoTemplate('{{ .a', {})).toThrow(
        'template: base:1: unclosed action',
      );
    }
  });

  it('breaks and continues a range', () => {
    const template =
      '{{ range .l }}{{ if eq . "b" }}{{ continue }}{{ end }}{{ if eq . "d" }}{{ break }}{{ end }}{{ . }}{{ end }}';
    expect(executeGoTemplate(template, { l: ['a', 'b', 'c', 'd', 'e'] })).toBe(
      'ac',
    );
  });
});
