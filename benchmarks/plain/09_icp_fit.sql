-- ICP fit of every account against the current ICP version (the version whose effective_from,
-- the latest on its rows, is the latest on or before the as-of date; ties: the highest version
-- name): fct_account_icp_criteria (match, miss, or unknown when the attribute is null), then the
-- score (share of weight matched, 0-100, one decimal), confidence (share of weight evaluated),
-- tier, reasons and gaps (highest weight first), and the best customers (top best_customer_share
-- by LTV to the cent, ties by account_id).

create or replace table current_criteria as
with versions as (
    select icp_version, max(effective_from) as effective_from from icp_criteria group by all
),
current_version as (
    select icp_version from versions
    where effective_from <= getvariable('as_of')
    order by effective_from desc, icp_version desc
    limit 1
)
select c.icp_version, c.criterion, c.attribute, c.operator, c.value, c.weight,
    -- Listed values, lowercased: text matches case-insensitively.
    list_filter(list_transform(string_split(c.value, '|'), lambda v: lower(trim(v))),
        lambda v: v <> '') as items,
    case c.operator when 'between' then parse_decimal(split_part(c.value, '|', 1))
        when 'gte' then parse_decimal(c.value) end as low_value,
    case c.operator when 'between' then parse_decimal(split_part(c.value, '|', 2))
        when 'lte' then parse_decimal(c.value) end as high_value
from icp_criteria as c join current_version using (icp_version);

create or replace table fct_account_icp_criteria as
with valued as (
    select a.account_id, c.*,
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
    from firmographics as a cross join current_criteria as c
)
select account_id, icp_version, criterion, attribute, operator,
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

create or replace table account_fit as
select account_id, icp_version,
    round(100.0 * coalesce(sum(weight) filter (where outcome = 'match'), 0) / sum(weight), 1)
        as score,
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
