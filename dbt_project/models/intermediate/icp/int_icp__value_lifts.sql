{#- ICP discovery per population and attribute value observed among its customers: support (best
    customers with it), customers with it, share_best, share_all, lift (rounded to 4 decimals, as
    icp_suggestions shows it) and whether the data suggests it (lift >= discovery_min_lift and
    support >= discovery_min_support): the rule in one place for the suggestions and the
    proposals. -#}

with customers as (

    select * from {{ ref('int_icp__discovery_customers') }}

),

traits as (

    select * from {{ ref('int_icp__customer_traits') }}

),

totals as (

    select
        population,
        count(*) as customers,
        count(case when is_best_customer then 1 end) as best_customers
    from customers
    group by population

),

observed as (

    select
        customers.population,
        traits.attribute,
        traits.value_key,
        min(traits.value) as value,
        count(*) as customers_with_value,
        count(case when customers.is_best_customer then 1 end) as support
    from traits
    inner join customers
        on traits.account_id = customers.account_id
    group by customers.population, traits.attribute, traits.value_key

),

measured as (

    select
        observed.*,
        case
            when totals.best_customers > 0
                then cast(observed.support as double) / totals.best_customers
        end as share_best,
        cast(observed.customers_with_value as double) / totals.customers as share_all
    from observed
    inner join totals
        on observed.population = totals.population

),

final as (

    select
        population,
        attribute,
        value_key,
        value,
        support,
        customers_with_value,
        round(share_best, 4) as share_best,
        round(share_all, 4) as share_all,
        round(share_best / share_all, 4) as lift,
        coalesce(share_best / share_all >= {{ var('discovery_min_lift') }}, false)
        and support >= {{ var('discovery_min_support') }} as is_suggested
    from measured

)

select * from final
