import type { FeaturesReportRow, ReportScope } from '../../store.js';
import { and, sessionScope, type Prepared } from './common.js';

/** The feature_adoption view's figures over the usages started in the range; most used first. */
export function featuresReport(prepared: Prepared, filter: ReportScope & { category?: string }): FeaturesReportRow[] {
  const scope = sessionScope(filter, 'f.session_id', false);
  if (filter.category !== undefined) {
    scope.where.push('f.feature_category = @category');
    scope.params.category = filter.category;
  }
  const sqlText = `
    select f.feature_category as featureCategory, f.feature_name as featureName, count(*) as usageCount,
      count(distinct f.session_id) as uniqueSessions,
      avg(case when f.success is null then null when f.success then 1.0 else 0.0 end) as successRate,
      avg((f.completed_at - f.started_at) / 1000.0) as avgDurationSeconds
    from feature_usage f
    where f.started_at >= @from and f.started_at < @to and ${and(scope.where)}
    group by f.feature_category, f.feature_name
    order by usageCount desc, f.feature_category, f.feature_name`;
  return prepared(sqlText).all({ ...scope.params, from: filter.from, to: filter.to }) as FeaturesReportRow[];
}
