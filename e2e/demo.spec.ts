/**
 * The demo pages in a real browser: the playground's controls drive the element's attributes and
 * its copyable snippet; the article page embeds its diagrams and shows the saved run without
 * training. Neither page may throw.
 */
import { test, expect } from '@playwright/test';

test('playground: a control sets the attribute, the snippet follows, the diagram trains', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/demo/index.html');
  const diagram = page.locator('#diagram');
  await expect(diagram).toHaveAttribute('cols', /\d+/);
  const cols = page.locator('input[name=cols]');
  await cols.fill('5');
  await cols.press('Tab');
  await expect(diagram).toHaveAttribute('cols', '5');
  await expect(page.locator('#snippet')).toHaveValue(/cols="5"/);
  await page.locator('input[name=steps]').fill('60');
  await page.locator('input[name=steps]').press('Tab');
  await expect(page.locator('#snippet')).toHaveValue(/steps="60"/);
  await expect.poll(() => page.evaluate(() => (document.getElementById('diagram') as unknown as { state: string }).state), { timeout: 120_000 }).toBe('complete');
  const count = await page.evaluate(() => (document.getElementById('diagram') as any).results().groups[0].results.count);
  expect(count % 5).toBe(0);
  expect(errors).toEqual([]);
});

test('article: four diagrams; the saved run loads without training; no errors', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/demo/article.html');
  await expect(page.locator('superposition-phase-diagram')).toHaveCount(4);
  await expect.poll(() => page.evaluate(() => (document.getElementById('saved') as unknown as { state: string }).state), { timeout: 30_000 }).toBe('complete');
  await expect(page.locator('#saved').locator('[part=status]')).toContainText('Loaded');
  await expect(page.locator('#phase').locator('path.theory')).toHaveCount(1);
  expect(errors).toEqual([]);
});
