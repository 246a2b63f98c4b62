{# ICP scoring, one place for every set of criteria that scores accounts: the current version
   (dim_accounts) and every version of the back-test (past, current, future, proposed). #}

{#- CTEs `account_criteria` .. `evaluated`: every account of `attributes` against every criterion
    of `criteria` (keyed by version_key + criterion), with outcome match, miss, or unknown when
    the account's attribute is null. `items` holds the listed values of in/not_in/contains_any
    criteria, one lowercased row each (split_to_rows). Emit after `with ... ,`. -#}
{% macro criterion_outcome_ctes(criteria, items, attributes) -%}
account_criteria as (

    select
        attributes.account_id,
        attributes.text_value,
        attributes.number_value,
        criteria.*
    from {{ attributes }} as attributes
    inner join {{ criteria }} as criteria
        on attributes.attribute = criteria.attribute

),

{#- From the attributes, not from account_criteria: a CTE read twice is materialized (22M rows
    for the back-test's versions at a million accounts). -#}
listed_matches as (

    select attributes.account_id, criteria.version_key, criteria.criterion
    from {{ attributes }} as attributes
    inner join {{ criteria }} as criteria
        on attributes.attribute = criteria.attribute
    inner join {{ items }} as items
        on criteria.version_key = items.version_key
        and criteria.criterion = items.criterion
        and attributes.text_value = items.item
    where criteria.operator in ('in', 'not_in')

),

tech_stack_tools as (

    {{ icp.split_to_rows(
        "(select account_id, text_value from " ~ attributes ~ " where attribute = 'tech_stack')",
        ['account_id'], 'text_value', ';'
    ) }}

),

tool_matches as (

    select distinct tech_stack_tools.account_id, items.version_key, items.criterion
    from tech_stack_tools
    inner join {{ items }} as items
        on tech_stack_tools.item = items.item
    where items.operator = 'contains_any'

),

matches as (

    select account_id, version_key, criterion from listed_matches
    union all
    select account_id, version_key, criterion from tool_matches

),

evaluated as (

    select
        account_criteria.account_id,
        account_criteria.version_key,
        account_criteria.icp_version,
        account_criteria.criterion,
        account_criteria.attribute,
        account_criteria.operator,
        account_criteria.weight,
        case
            when account_criteria.text_value is null and account_criteria.number_value is null
                then 'unknown'
            when account_criteria.operator in ('in', 'contains_any')
                then case when matches.criterion is not null then 'match' else 'miss' end
            when account_criteria.operator = 'not_in'
                then case when matches.criterion is null then 'match' else 'miss' end
            when account_criteria.number_value >= coalesce(account_criteria.low_value, account_criteria.number_value)
                and account_criteria.number_value <= coalesce(account_criteria.high_value, account_criteria.number_value)
                then 'match'
            else 'miss'
        end as outcome
    from account_criteria
    left join matches
        on account_criteria.account_id = matches.account_id
        and account_criteria.version_key = matches.version_key
        and account_criteria.criterion = matches.criterion

)
{%- endmacro %}

{#- The fit score of a group of outcome rows: 100 x matched weight / all weight, one decimal. -#}
{% macro fit_score(outcome, weight) -%}
    round(100.0 * sum(case when {{ outcome }} = 'match' then {{ weight }} else 0 end) / sum({{ weight }}), 1)
{%- endmacro %}

{#- The tier of a (rounded) fit score, from icp_tier_thresholds. -#}
{% macro fit_tier(score) -%}
    {%- set thresholds = var('icp_tier_thresholds') -%}
    case
        when {{ score }} >= {{ thresholds['A'] }} then 'A'
        when {{ score }} >= {{ thresholds['B'] }} then 'B'
        when {{ score }} >= {{ thresholds['C'] }} then 'C'
        else 'D'
    end
{%- endmacro %}

{#- The low and high bound of a between/gte/lte criterion, parsed from its value. -#}
{% macro criterion_low_value(operator, value) -%}
    case
        when {{ operator }} = 'between' then {{ icp.parse_decimal(dbt.split_part(value, "'|'", 1)) }}
        when {{ operator }} = 'gte' then {{ icp.parse_decimal(value) }}
    end
{%- endmacro %}

{% macro criterion_high_value(operator, value) -%}
    case
        when {{ operator }} = 'between' then {{ icp.parse_decimal(dbt.split_part(value, "'|'", 2)) }}
        when {{ operator }} = 'lte' then {{ icp.parse_decimal(value) }}
    end
{%- endmacro %}

{#- Whether a customer at `rank` (1 = highest value) of `customers` is one of the best customers:
    the first ceil(best_customer_share x customers), the one cut every ranking of them uses. -#}
{% macro is_best_customer(rank, customers) -%}
    {{ rank }} <= ceil({{ var('best_customer_share') }} * {{ customers }})
{%- endmacro %}
