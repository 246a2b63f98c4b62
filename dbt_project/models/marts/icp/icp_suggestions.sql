{#- ICP discovery: what the best customers share. One row per attribute value observed among
    customers and per value a current criterion names. A value with lift >= discovery_min_lift and
    support >= discovery_min_support is suggested; `confirmed` when the current ICP already has it,
    `stale` when the current ICP has it but the data does not suggest it. A value is in the current
    ICP when an `in` or `contains_any` criterion lists it, or, for an employee band, when the band
    lies inside an `employee_count` criterion's range. -#}

with customers as (

    select * from {{ ref('int_icp__best_customers') }}

),

traits as (

    select * from {{ ref('int_icp__customer_traits') }}

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

observed as (

    select
        traits.attribute,
        traits.value_key,
        min(traits.value) as value,
        count(*) as customers_with_value,
        count(case when customers.is_best_customer then 1 end) as support
    from traits
    inner join customers
        on traits.account_id = customers.account_id
    group by traits.attribute, traits.value_key

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
        coalesce(observed.attribute, in_icp.attribute) as attribute,
        coalesce(observed.value, in_icp.value) as value,
        coalesce(observed.support, 0) as support,
        coalesce(observed.customers_with_value, 0) as customers_with_value,
        in_icp.value_key is not null as in_current_icp
    from observed
    full outer join in_icp
        on
            observed.attribute = in_icp.attribute
            and observed.value_key = in_icp.value_key

),

measured as (

    select
        all_values.*,
        case
            when totals.best_customers > 0
                then cast(all_values.support as double) / totals.best_customers
        end as share_best,
        case
            when totals.customers > 0
                then cast(all_values.customers_with_value as double) / totals.customers
        end as share_all
    from all_values
    cross join totals

),

final as (

    select
        attribute,
        value,
        support,
        customers_with_value,
        in_current_icp,
        round(share_best, 4) as share_best,
        round(share_all, 4) as share_all,
        round(case when share_all > 0 then share_best / share_all end, 4) as lift,
        case
            when
                share_all > 0
                and share_best / share_all >= {{ var('discovery_min_lift') }}
                and support >= {{ var('discovery_min_support') }}
                then case when in_current_icp then 'confirmed' else 'suggested' end
            when in_current_icp then 'stale'
        end as status
    from measured

)

select * from final
