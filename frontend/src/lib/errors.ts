import type { AppError } from './bridge';
import { has, t } from './i18n';

// errorText turns an error code into a sentence from the i18n table (never the backend's
// message, except as a parameter of the conflict sentence).
export function errorText(e: AppError | null | undefined): string {
  if (!e) return '';
  if (e.field && has('error.field.' + e.field)) return t('error.field.' + e.field);
  const key = has('error.' + e.code) ? 'error.' + e.code : 'error.internal';
  return t(key, { permission: e.permission ?? '', message: e.message ?? '' });
}
