-- The quarantine of the tables nothing else refers to by key: fx rates (read by every amount's
-- currency rule), enrichment and the ICP criteria. Each q_<table> holds every raw row with its
-- typed values, and reason_code / reason (null when accepted): the first rule the row breaks, in
-- contract column order, then a repeated key, then a ref with no match. The accepted rows are the
-- view <table>.

create or replace table q_fx_rates as
with cleaned as (
    select _row_number, clean(currency) as r_currency, clean(month) as r_month,
        clean(rate_to_usd) as r_rate_to_usd
    from raw.fx_rates
),
typed as (
    select *, ident(upper(r_currency)) as currency, cast(parse_ts(r_month) as date) as month,
        parse_decimal(r_rate_to_usd) as rate_to_usd
    from cleaned
),
checked as (
    select *,
        coalesce(
            missing_rule('fx_rates.currency', r_currency),
            missing_rule('fx_rates.month', r_month),
            time_rule('fx_rates.month', r_month, month, 'date'),
            missing_rule('fx_rates.rate_to_usd', r_rate_to_usd),
            decimal_rule('fx_rates.rate_to_usd', r_rate_to_usd, rate_to_usd),
            positive_rule('fx_rates.rate_to_usd', r_rate_to_usd, rate_to_usd),
            repeated_rule('fx_rates.currency+month',
                count(*) over (partition by currency, month),
                row_number() over (partition by currency, month order by _row_number))
        ) as failed
    from typed
)
select _row_number, coalesce(currency || '|' || month, 'row ' || _row_number) as row_key,
    failed[2] as reason_code, mask(failed[1]) as reason,
    case when failed is not null then mask(concat_ws(', ',
            kv('currency', r_currency), kv('month', r_month), kv('rate_to_usd', r_rate_to_usd)
        )) end as raw_row,
    currency, month, rate_to_usd
from checked;

create or replace view fx_rates as select * from q_fx_rates where reason_code is null;

-- The first month each currency has a rate: an amount dated earlier cannot be converted.
create or replace table fx_first_month as
select currency as fx_currency, min(month) as first_rate_month from fx_rates group by currency;

create or replace table q_enrichment_companies as
with cleaned as (
    select _row_number, clean(domain) as r_domain, clean(industry) as r_industry,
        clean(employee_count) as r_employee_count,
        clean(annual_revenue_usd) as r_annual_revenue_usd,
        clean(hq_country) as r_hq_country, clean(business_model) as r_business_model,
        clean(tech_stack) as r_tech_stack, clean(funding_stage) as r_funding_stage,
        clean(founded_year) as r_founded_year, clean(enriched_at) as r_enriched_at
    from raw.enrichment_companies
),
typed as (
    select *,
        ident(normalize_domain(r_domain)) as domain,
        mask(r_industry) as industry,
        parse_int(r_employee_count) as employee_count,
        parse_decimal(r_annual_revenue_usd) as annual_revenue_usd,
        mask(upper(r_hq_country)) as hq_country,
        lower(r_business_model) as business_model,
        mask(lower(r_tech_stack)) as tech_stack,
        lower(r_funding_stage) as funding_stage,
        parse_int(r_founded_year) as founded_year,
        parse_ts(r_enriched_at) as enriched_at
    from cleaned
),
checked as (
    select *,
        coalesce(
            missing_rule('enrichment_companies.domain', r_domain),
            int_rule('enrichment_companies.employee_count', r_employee_count, employee_count),
            min_rule('enrichment_companies.employee_count', r_employee_count, employee_count, 0),
            decimal_rule('enrichment_companies.annual_revenue_usd',
                r_annual_revenue_usd, annual_revenue_usd),
            min_rule('enrichment_companies.annual_revenue_usd',
                r_annual_revenue_usd, annual_revenue_usd, 0),
            enum_rule('enrichment_companies.business_model', business_model,
                ['b2b', 'b2c', 'b2b2c', 'marketplace']),
            enum_rule('enrichment_companies.funding_stage', funding_stage,
                ['bootstrapped', 'seed', 'series_a', 'series_b', 'series_c_plus', 'public']),
            int_rule('enrichment_companies.founded_year', r_founded_year, founded_year),
            time_rule('enrichment_companies.enriched_at', r_enriched_at, enriched_at, 'timestamp'),
            repeated_rule('enrichment_companies.domain', count(*) over (partition by domain),
                row_number() over (partition by domain order by _row_number))
        ) as failed
    from typed
)
select _row_number, coalesce(domain, 'row ' || _row_number) as row_key,
    failed[2] as reason_code, mask(failed[1]) as reason,
    case when failed is not null then mask(concat_ws(', ',
            kv('domain', r_domain), kv('industry', r_industry),
            kv('employee_count', r_employee_count), kv('annual_revenue_usd', r_annual_revenue_usd),
            kv('hq_country', r_hq_country), kv('business_model', r_business_model),
            kv('tech_stack', r_tech_stack), kv('funding_stage', r_funding_stage),
            kv('founded_year', r_founded_year), kv('enriched_at', r_enriched_at)
        )) end as raw_row,
    domain, industry, employee_count, annual_revenue_usd, hq_country, business_model, tech_stack,
    funding_stage, founded_year, enriched_at
from checked;

create or replace view enrichment_companies as
select * from q_enrichment_companies where reason_code is null;

-- Beyond the column contract, a criterion must be one the scoring can evaluate: numbers compare
-- with between/gte/lte, text with in/not_in, the tech stack with contains_any, and the value must
-- hold what the operator needs.
create or replace table q_icp_criteria as
with cleaned as (
    select _row_number, clean(icp_version) as r_icp_version,
        clean(effective_from) as r_effective_from,
        clean(criterion) as r_criterion, clean(attribute) as r_attribute,
        clean(operator) as r_operator, clean(value) as r_value, clean(weight) as r_weight
    from raw.icp_criteria
),
typed as (
    select *,
        ident(r_icp_version) as icp_version,
        cast(parse_ts(r_effective_from) as date) as effective_from,
        ident(r_criterion) as criterion,
        lower(r_attribute) as attribute,
        lower(r_operator) as operator,
        mask(r_value) as value,
        parse_decimal(r_weight) as weight,
        lower(r_attribute) in ('employee_count', 'annual_revenue_usd', 'founded_year') as is_numeric
    from cleaned
),
checked as (
    select *,
        coalesce(
            missing_rule('icp_criteria.icp_version', r_icp_version),
            missing_rule('icp_criteria.effective_from', r_effective_from),
            time_rule('icp_criteria.effective_from', r_effective_from, effective_from, 'date'),
            missing_rule('icp_criteria.criterion', r_criterion),
            missing_rule('icp_criteria.attribute', r_attribute),
            enum_rule('icp_criteria.attribute', attribute, ['industry', 'employee_count',
                'annual_revenue_usd', 'region', 'country_code', 'business_model', 'tech_stack',
                'funding_stage', 'founded_year']),
            missing_rule('icp_criteria.operator', r_operator),
            enum_rule('icp_criteria.operator', operator,
                ['in', 'not_in', 'between', 'gte', 'lte', 'contains_any']),
            missing_rule('icp_criteria.value', r_value),
            missing_rule('icp_criteria.weight', r_weight),
            decimal_rule('icp_criteria.weight', r_weight, weight),
            positive_rule('icp_criteria.weight', r_weight, weight),
            table_rule('icp_criteria', 'invalid_criterion', case
                when is_numeric and operator not in ('between', 'gte', 'lte') then
                    'operator ' || q(operator) || ' does not apply to numeric attribute '
                    || q(attribute)
                when not is_numeric and operator in ('between', 'gte', 'lte') then
                    'operator ' || q(operator) || ' needs a numeric attribute, not ' || q(attribute)
                when (operator = 'contains_any') <> (attribute = 'tech_stack') then
                    'tech_stack takes contains_any and contains_any takes tech_stack, got '
                    || q(attribute) || ' ' || q(operator)
                when operator = 'between' and not regexp_full_match(value,
                        ' *-?[0-9]+(\.[0-9]+)? *\| *-?[0-9]+(\.[0-9]+)? *') then
                    'between needs two numbers low|high, got ' || q(value)
                when operator in ('gte', 'lte')
                        and not regexp_full_match(value, ' *-?[0-9]+(\.[0-9]+)? *') then
                    q(operator) || ' needs one number, got ' || q(value)
            end),
            repeated_rule('icp_criteria.icp_version+criterion',
                count(*) over (partition by icp_version, criterion),
                row_number() over (partition by icp_version, criterion order by _row_number))
        ) as failed
    from typed
)
select _row_number, coalesce(icp_version || '|' || criterion, 'row ' || _row_number) as row_key,
    failed[2] as reason_code, mask(failed[1]) as reason,
    case when failed is not null then mask(concat_ws(', ',
            kv('icp_version', r_icp_version), kv('effective_from', r_effective_from),
            kv('criterion', r_criterion), kv('attribute', r_attribute), kv('operator', r_operator),
            kv('value', r_value), kv('weight', r_weight)
        )) end as raw_row,
    icp_version, effective_from, criterion, attribute, operator, value, weight
from checked;

-- A weight is a proportion, not money: the fit score divides by it.
create or replace view icp_criteria as
select * replace (cast(weight as double) as weight) from q_icp_criteria where reason_code is null;
