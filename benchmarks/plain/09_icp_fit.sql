-- ICP fit of every account against the current ICP version: fct_account_icp_criteria (match,
-- miss, or unknown when the attribute is null), then the score (share of weight matched, 0-100,
-- one decimal), confidence (share of weight evaluated), tier, reasons and gaps (highest weight
-- first), and the best customers (top best_customer_share by LTV to the cent, ties by
-- account_id).

-- A criterion's listed values (lowercased: text matches case-insensitively) and numeric bounds.
create or replace macro criterion_items(value) as
    list_filter(list_transform(string_split(value, '|'), lambda v: lower(trim(v))),
        lambda v: v <> '');

create or replace macro criterion_low(operator, value) as
    case operator when 'between' then parse_decimal(split_part(value, '|', 1))
        when 'gte' then parse_decimal(value) end;

create or replace macro criterion_high(operator, value) as
    case operator when 'between' then parse_decimal(split_part(value, '|', 2))
        when 'lte' then parse_decimal(value) end;

-- Every account against every criterion of the criteria table `criteria` (with version_key):
-- match, miss, or unknown when the account's attribute is null. The current fit and the
-- back-test's versions are scored by this one rule.
create or replace macro criterion_outcomes(criteria) as table
with valued as (
    select a.account_id, c.version_key, c.icp_version, c.criterion, c.attribute, c.operator,
        c.weight, criterion_items(c.value) as items,
        criterion_low(c.operator, c.value) as low_value,
        criterion_high(c.operator, c.value) as high_value,
        lower(case c.attribute
            when 'industry' then a.industry when 'region' then a.region
            when 'country_code' then a.country_code when 'business_model' then a.business_model
            when 'funding_stage' then a.funding_stage when 'tech_stack' then a.tech_stack
        end) as text_value,
        case c.attribute
            when 'employee_count' then cast(a.employee_count as double)
            when 'annual_revenue_usd' then cast(a.annual_revenue_usd as double)
            when 'founded_year' then cast(a.founded_year as double)
        end as number_value
    from firmographics as a cross join query_table(criteria) as c
)
select account_id, version_key, icp_version, criterion, attribute, operator,
    case
        when text_value is null and number_value is null then 'unknown'
        when operator = 'in' then if(list_contains(items, text_value), 'match', 'miss')
        when operator = 'not_in' then if(list_contains(items, text_value), 'miss', 'match')
        when operator = 'contains_any' then if(list_has_any(items, list_filter(
            list_transform(string_split(text_value, ';'), lambda t: trim(t)), lambda t: t <> '')),
            'match', 'miss')
        when number_value >= coalesce(low_value, number_value)
            and number_value <= coalesce(high_value, number_value) then 'match'
        else 'miss'
    end as outcome,
    weight
from valued;

-- The fit score of a group of outcomes (0-100, one decimal) and its tier.
create or replace macro fit_score(weight, outcome) as
    round(100.0 * coalesce(sum(weight) filter (where outcome = 'match'), 0) / sum(weight), 1);

create or replace macro fit_tier(score) as
    case when score >= getvariable('icp_tier_thresholds_A') then 'A'
        when score >= getvariable('icp_tier_thresholds_B') then 'B'
        when score >= getvariable('icp_tier_thresholds_C') then 'C'
        when score is not null then 'D' end;

-- The written versions of icp_criteria with their status as of the as-of date: current, the
-- version whose effective_from (the latest on its rows) is the latest on or before it (ties: the
-- highest name); past, the others in force before; future, dated later.
create or replace table written_versions as
with versions as (
    select icp_version, max(effective_from) as effective_from from icp_criteria group by all
)
select *,
    case
        when effective_from > getvariable('as_of') then 'future'
        when row_number() over (
            partition by effective_from <= getvariable('as_of')
            order by effective_from desc, icp_version desc) = 1 then 'current'
        else 'past'
    end as status
from versions;

create or replace table current_criteria as
select 'written:' || c.icp_version as version_key, c.*,
    criterion_low(c.operator, c.value) as low_value,
    criterion_high(c.operator, c.value) as high_value
from icp_criteria as c join written_versions as v using (icp_version)
where v.status = 'current';

create or replace table fct_account_icp_criteria as
select account_id, icp_version, criterion, attribute, operator, outcome, weight
from criterion_outcomes('current_criteria');

create or replace table account_fit as
select account_id, icp_version, fit_score(weight, outcome) as score,
    coalesce(sum(weight) filter (where outcome <> 'unknown'), 0) / sum(weight) as confidence,
    nullif(array_to_string(list(criterion order by weight desc, criterion)
        filter (where outcome = 'match'), ', '), '') as reasons,
    nullif(array_to_string(list(criterion order by weight desc, criterion)
        filter (where outcome = 'miss'), ', '), '') as gaps
from fct_account_icp_criteria
group by all;

create or replace table best_customers as
select account_id,
    row_number() over (order by round(ltv_usd, 2) desc, account_id)
        <= ceil(getvariable('best_customer_share') * count(*) over ()) as is_best_customer
from unit_economics;
