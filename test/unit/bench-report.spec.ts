// @ts-expect-error -- the bench is plain ESM JavaScript without type declarations
import { SOAK_END, SOAK_START, withSoakBlock } from '../../bench/lib/report.mjs';

const SOAK_BLOCK = `${SOAK_START}\n## Latest soak run\n\n| heap | 20.3 → 20.5 MB |  \n\ttrailing tab and  two spaces\n${SOAK_END}`;

describe("the bench's report writer keeps the soak block", () => {
  it('copies the block of the previous RESULTS.md verbatim', () => {
    const previous = `# Benchmark results\n\nold tables\n\n${SOAK_BLOCK}\n\nafter the block\n`;
    const written: string = withSoakBlock('# Benchmark results\n\nnew tables\n', previous);
    expect(written.startsWith('# Benchmark results\n\nnew tables\n')).toBe(true);
    expect(written).toContain(SOAK_BLOCK);
    expect(written).not.toContain('old tables');
    expect(written.split(SOAK_START)).toHaveLength(2);
  });

  it('writes the new report alone when there was no block, or no previous file', () => {
    expect(withSoakBlock('# new\n', '# old\n')).toBe('# new\n');
    expect(withSoakBlock('# new\n', '')).toBe('# new\n');
  });

  it('ignores a block that was started but never ended', () => {
    expect(withSoakBlock('# new\n', `# old\n${SOAK_START}\nhalf`)).toBe('# new\n');
  });

  it('keeps the block the same over repeated runs', () => {
    const once: string = withSoakBlock('# run 1\n', `x\n${SOAK_BLOCK}\n`);
    const twice: string = withSoakBlock('# run 2\n', once);
    expect(twice).toBe(`# run 2\n\n${SOAK_BLOCK}\n`);
  });
});
