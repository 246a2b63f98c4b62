{#- ICP discovery: what the best customers share. One row per attribute value observed among
    customers and per value a current criterion names. A value with lift >= discovery_min_lift and
    support >= discovery_min_support is suggested; `confirmed` when the current ICP already has it,
    `stale` when the current ICP has it but the data does not suggest it. A value is in the current
    ICP when an `in` or `contains_any` criterion lists it, or, for an employee band, when the band
    lies inside an `employee_count` criterion's range. -#}

with lifts as (

    select * from {{ ref('int_icp__value_lifts') }}
    where population = 'all'

),

customers as (

    select * from {{ ref('int_icp__discovery_customers') }}
    where population = 'all'

),

criteria as (

    select * from {{ ref('int_icp__current_criteria') }}

),

items as (

    select * from {{ ref('int_icp__criterion_items') }}

),

bands as (

    select * from {{ ref('employee_bands') }}

),

totals as (

    select
        count(*) as customers,
        count(case when is_best_customer then 1 end) as best_customers
    from customers

),

listed_in_icp as (

    select
        attribute,
        item as value_key,
        min(item_text) as value
    from items
    where
        operator in ('in', 'contains_any')
        and attribute in ('industry', 'region', 'business_model', 'funding_stage', 'tech_stack')
    group by attribute, item

),

bands_in_icp as (

    select distinct
        'employee_band' as attribute,
        lower(bands.employee_band) as value_key,
        bands.employee_band as value
    from bands
    inner join criteria
        on
            criteria.attribute = 'employee_count'
            and bands.min_employees >= coalesce(criteria.low_value, bands.min_employees)
            and (
                criteria.high_value is null
                or (bands.max_employees is not null and bands.max_employees <= criteria.high_value)
            )

),

in_icp as (

    select * from listed_in_icp
    union all
    select * from bands_in_icp

),

all_values as (

    select
        lifts.share_best,
        lifts.share_all,
        lifts.lift,
        coalesce(lifts.attribute, in_icp.attribute) as attribute,
        coalesce(lifts.value, in_icp.value) as value,
        coalesce(lifts.support, 0) as support,
        coalesce(lifts.customers_with_value, 0) as customers_with_value,
        coalesce(lifts.is_suggested, false) as is_suggested,
        in_icp.value_key is not null as in_current_icp
    from lifts
    full outer join in_icp
        on
            lifts.attribute = in_icp.attribute
            and lifts.value_key = in_icp.value_key

),

final as (

    select
        all_values.attribute,
        all_values.value,
        all_values.support,
        all_values.customers_with_value,
        all_values.lift,
        all_values.in_current_icp,
        -- A value only the ICP names: no customer has it (share 0 of a non-empty population).
        coalesce(all_values.share_best, case when totals.best_customers > 0 then 0.0 end)
            as share_best,
        coalesce(all_values.share_all, case when totals.customers > 0 then 0.0 end) as share_all,
        case
            when all_values.is_suggested
                then case when all_values.in_current_icp then 'confirmed' else 'suggested' end
            when all_values.in_current_icp then 'stale'
        end as status
    from all_values
    cross join totals

)

select * from final
